package org.cassl.detection.mask;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

/** The Mask R-CNN style head's pieces against torchvision 0.14 ({@code gen_masks.py}). */
class RoiMaskGoldenTest {
    private static final double TOL = 1e-10;

    @Test
    void pasteMasksInImageMatchesTorchvision() {
        Golden.Case c = MaskGolden.get("paste");
        Tensor out = MaskPaster.paste(c.get("masks"), c.get("boxes"), c.intParam("h"), c.intParam("w"));
        assertClose(c.get("out").select(1, 0), out, 1e-5, 1e-6, "pasted masks");
    }

    @Test
    void pasteWithoutMasksIsEmpty() {
        Tensor out = MaskPaster.paste(Tensor.zeros(0, 1, 28, 28), Tensor.zeros(0, 4), 7, 9);
        assertArrayEquals(new int[] {0, 7, 9}, out.shape());
    }

    @Test
    void projectedTargetsAndLossMatchTorchvision() {
        Golden.Case c = MaskGolden.get("maskrcnn_loss");
        Tensor proj = MaskRcnnLoss.projectMasksOnBoxes(c.get("gt_masks"), c.get("proposals"), c.get("matched"), 28);
        assertClose(c.get("projected"), proj, TOL, TOL, "project_masks_on_boxes");
        Variable logits = Variable.parameter(c.get("mask_logits"));
        Tensor labels = c.get("gt_labels").indexSelect(0, c.get("matched"));
        Variable loss = MaskRcnnLoss.loss(logits, labels, proj);
        assertClose(c.get("loss"), loss.data(), TOL, TOL, "maskrcnn_loss");
        loss.backward();
        assertClose(c.get("grad_logits"), logits.grad(), TOL, TOL, "maskrcnn_loss grad");
    }

    @Test
    void zeroRoisGiveZeroLossOnTape() {
        Variable logits = Variable.parameter(Tensor.zeros(DType.F64, 0, 3, 28, 28));
        Variable loss = MaskRcnnLoss.loss(logits, Tensor.zeros(DType.I64, 0), Tensor.zeros(DType.F64, 0, 28, 28));
        assertEquals(0.0, loss.item());
        loss.backward();
        assertArrayEquals(new int[] {0, 3, 28, 28}, logits.grad().shape());
    }

    @Test
    void multiScaleRoiAlignAndLevelMapperMatchTorchvision() {
        Golden.Case c = MaskGolden.get("msroi");
        List<Variable> feats = List.of(Variable.parameter(c.get("f0")), Variable.parameter(c.get("f1")),
                Variable.parameter(c.get("f2")));
        int[] shapes = c.intsParam("image_shapes");
        List<int[]> sizes = List.of(new int[] {shapes[0], shapes[1]}, new int[] {shapes[2], shapes[3]});
        double[] scales = MultiScaleRoiAlign.scales(feats, sizes);
        assertClose(c.get("scales"), Tensor.of(scales, scales.length), 0, 0, "scales");
        Variable out = MultiScaleRoiAlign.maskRcnn().apply(feats, List.of(c.get("boxes0"), c.get("boxes1")), sizes);
        assertClose(c.get("out"), out.data(), TOL, TOL, "pooled");
        out.mul(Variable.of(c.get("grad_out"))).sum().backward();
        for (int l = 0; l < 3; l++) {
            // a level no RoI maps to gets no gradient here; torchvision reports zeros
            Tensor g = feats.get(l).grad() == null ? feats.get(l).data().zerosLike() : feats.get(l).grad();
            assertClose(c.get("grad_f" + l), g, TOL, TOL, "grad level " + l);
        }
        long[] levels = MultiScaleRoiAlign.mapLevels(c.get("lvl_boxes"), 3, 5);
        assertClose(c.get("levels"), Tensor.of(levels, levels.length), 0, 0, "level mapper");
    }

    @Test
    void roiHeadForwardMatchesTorchvisionWithItsWeights() {
        Golden.Case c = MaskGolden.get("roi_head");
        RoiHeads heads = new RoiHeads(4, c.intParam("layers"), 4, c.intParam("dim_reduced"), c.intParam("num_classes"),
                new Generator(0));
        heads.to(DType.F64);
        Map<String, Tensor> state = new HashMap<>();
        for (String k : heads.stateDict().keySet()) {
            state.put(k, c.get(k));
        }
        heads.loadStateDict(state, true);
        Variable x = Variable.of(c.get("x"));
        Variable y = heads.maskPredictor().forward(heads.maskHead().forward(x));
        assertClose(c.get("out"), y.data(), TOL, TOL, "mask head + predictor");
    }
}
