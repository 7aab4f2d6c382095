package org.cassl.detection.transform;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.cassl.tensor.testing.TensorAssert.assertEqual;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.cassl.detection.Detections;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.FcosGolden;
import org.cassl.detection.Target;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

class GeneralizedRcnnTransformTest {
    private static final double[] MEAN = {0.485, 0.456, 0.406};
    private static final double[] STD = {0.229, 0.224, 0.225};

    @Test
    void resizedSizesMatchTorchvisionForOddSizes() {
        long[] t = FcosGolden.opsCase("transform/sizes").get("table").toLongArray();
        for (int r = 0; r < t.length / 6; r++) {
            int h = (int) t[6 * r];
            int w = (int) t[6 * r + 1];
            int[] got = GeneralizedRcnnTransform.resizedSize(h, w, t[6 * r + 2], t[6 * r + 3]);
            assertArrayEquals(new int[] {(int) t[6 * r + 4], (int) t[6 * r + 5]}, got,
                    h + "x" + w + " min " + t[6 * r + 2] + " max " + t[6 * r + 3]);
        }
    }

    @Test
    void scaleReproducesPyTorchsReciprocalTimesNumber() {
        // 160 / 100 evaluated as (1/100) * 160 in float32 is 1.5999999, so 100 px become 159
        assertArrayEquals(new int[] {159, 123}, GeneralizedRcnnTransform.resizedSize(100, 77, 128, 160));
    }

    @Test
    void batchMatchesTorchvision() {
        Golden.Case c = FcosGolden.opsCase("transform/batch");
        GeneralizedRcnnTransform t = new GeneralizedRcnnTransform(new int[] {c.intParam("min_size")},
                c.intParam("max_size"), MEAN, STD, 32);
        List<Target> targets = List.of(
                new Target(c.get("boxes0"), Tensor.of(new long[] {1, 2}, 2), c.get("masks0")),
                new Target(c.get("boxes1"), Tensor.of(new long[] {3}, 1), c.get("masks1")));
        GeneralizedRcnnTransform.Batch b = t.apply(List.of(c.get("image0"), c.get("image1")), targets, false, null);
        assertClose(c.get("batch"), b.images().tensors(), 1e-5, 1e-5, "batch");
        for (int i = 0; i < 2; i++) {
            assertEqual(c.get("out_boxes" + i), b.targets().get(i).boxes(), "boxes " + i);
            assertEqual(c.get("out_masks" + i), b.targets().get(i).masks(), "masks " + i);
        }
        List<Detections> dets = List.of(
                new Detections(c.get("det_boxes0"), Tensor.zeros(2), Tensor.zeros(DType.I64, 2)),
                new Detections(c.get("det_boxes1"), Tensor.zeros(1), Tensor.zeros(DType.I64, 1)));
        List<Detections> back = t.postprocess(dets, b.images().imageSizes(), List.of(new int[] {21, 33}, new int[] {25, 17}));
        assertEqual(c.get("back_boxes0"), back.get(0).boxes(), "postprocess 0");
        assertEqual(c.get("back_boxes1"), back.get(1).boxes(), "postprocess 1");
    }

    @Test
    void batchPadsToMultiplesOfTheDivisorAtTheBottomRight() {
        GeneralizedRcnnTransform t = new GeneralizedRcnnTransform(new int[] {8}, 100, MEAN, STD, 32);
        Tensor a = Tensor.ones(3, 10, 33);
        Tensor b = Tensor.full(2, DType.F32, 3, 40, 5);
        ImageList il = t.batch(List.of(a, b));
        assertArrayEquals(new int[] {2, 3, 64, 64}, il.tensors().shape());
        assertArrayEquals(new int[] {10, 33}, il.imageSizes().get(0));
        assertEquals(3 * 10 * 33, il.tensors().select(0, 0).sum().item());
        assertEquals(2.0 * 3 * 40 * 5, il.tensors().select(0, 1).sum().item());
        assertEquals(1.0, il.tensors().getDouble(0, 2, 9, 32));
        assertEquals(0.0, il.tensors().getDouble(0, 2, 10, 32));
    }

    @Test
    void normaliseUsesFloat32MeanAndStd() {
        GeneralizedRcnnTransform t = GeneralizedRcnnTransform.of(FcosConfig.defaults());
        Tensor img = Tensor.full(0.5, DType.F32, 3, 2, 2);
        Tensor n = t.normalize(img);
        assertEquals((0.5f - 0.485f) / 0.229f, (float) n.getDouble(0, 0, 0));
        assertEquals((0.5f - 0.406f) / 0.225f, (float) n.getDouble(2, 1, 1));
    }

    @Test
    void trainingPicksAmongTheMinSizes() {
        GeneralizedRcnnTransform t = new GeneralizedRcnnTransform(new int[] {16, 24}, 1000, MEAN, STD, 8);
        Generator gen = new Generator(1);
        java.util.Set<Integer> heights = new java.util.TreeSet<>();
        for (int i = 0; i < 20; i++) {
            heights.add(t.apply(List.of(Tensor.zeros(3, 8, 8)), null, true, gen).images().imageSizes().get(0)[0]);
        }
        assertEquals(java.util.Set.of(16, 24), heights);
        assertEquals(24, t.apply(List.of(Tensor.zeros(3, 8, 8)), null, false, null).images().imageSizes().get(0)[0]);
        assertThrows(TensorException.class, () -> t.apply(List.of(Tensor.zeros(3, 8, 8)), null, true, null));
    }

    @Test
    void badImagesAreRejected() {
        GeneralizedRcnnTransform t = GeneralizedRcnnTransform.of(FcosConfig.defaults());
        assertThrows(ShapeMismatchException.class, () -> t.apply(List.of(Tensor.zeros(3, 4)), null, false, null));
        assertThrows(TensorException.class, () -> t.apply(List.of(Tensor.zeros(DType.I64, 3, 4, 4)), null, false, null));
        assertThrows(TensorException.class, () -> t.apply(List.of(), null, false, null));
    }
}
