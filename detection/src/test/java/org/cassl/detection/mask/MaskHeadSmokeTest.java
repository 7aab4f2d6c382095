package org.cassl.detection.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.detection.Detections;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.Target;
import org.cassl.detection.fcos.Fcos;
import org.cassl.nn.optim.Sgd;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end smoke tests of the mask heads inside {@link Fcos} on a tiny model (ResNet-18, 32 FPN
 * channels, 3 classes, 64-pixel images) and synthetic rectangles/ellipses with masks: the loss is
 * present and finite, SGD lowers the total loss, detections carry masks at the original size, and
 * saved weights reload to identical outputs.
 */
class MaskHeadSmokeTest {
    @TempDir
    Path tmp;

    static FcosConfig config(String maskHead) {
        return FcosConfig.parse("{\"backbone\":\"resnet18\",\"fpn_channels\":32,\"num_classes\":3,\"min_size\":[64],"
                + "\"max_size\":96,\"score_thresh\":0.05,\"detections_per_img\":20,\"mask_head\":\"" + maskHead
                + "\",\"frozen_bn\":true}");
    }

    /** Two images (64x80 and 56x72) with two and one instances: a filled rectangle and ellipses. */
    static List<Tensor> images() {
        Generator g = new Generator(11);
        List<Tensor> out = new ArrayList<>();
        for (Target t : targets()) {
            Tensor m = t.masks();
            Tensor im = Tensor.rand(g, 3, m.size(1), m.size(2)).mul(0.2);
            for (int k = 0; k < m.size(0); k++) {
                Tensor mk = m.select(0, k).to(DType.F32).unsqueeze(0);
                im = im.add(mk.mul(0.3 * (k + 1)));
            }
            out.add(im.clamp(0, 1));
        }
        return out;
    }

    static List<Target> targets() {
        return List.of(target(64, 80, new double[][] {{8, 10, 40, 50}, {44, 4, 76, 30}}, new long[] {1, 2}),
                target(56, 72, new double[][] {{20, 12, 60, 44}}, new long[] {2}));
    }

    private static Target target(int h, int w, double[][] boxes, long[] labels) {
        int g = boxes.length;
        byte[] masks = new byte[g * h * w];
        float[] b = new float[g * 4];
        for (int k = 0; k < g; k++) {
            double[] bx = boxes[k];
            for (int i = 0; i < 4; i++) {
                b[4 * k + i] = (float) bx[i];
            }
            double cx = (bx[0] + bx[2]) / 2;
            double cy = (bx[1] + bx[3]) / 2;
            double rx = (bx[2] - bx[0]) / 2;
            double ry = (bx[3] - bx[1]) / 2;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double dx = (x + 0.5 - cx) / rx;
                    double dy = (y + 0.5 - cy) / ry;
                    boolean inside = k == 0 ? x >= bx[0] && x < bx[2] && y >= bx[1] && y < bx[3] : dx * dx + dy * dy <= 1;
                    masks[(k * h + y) * w + x] = (byte) (inside ? 1 : 0);
                }
            }
        }
        return new Target(Tensor.of(b, g, 4), Tensor.of(labels, g), Tensor.of(masks, DType.U8, g, h, w));
    }

    private static double total(Map<String, Variable> losses) {
        double s = 0;
        for (Variable v : losses.values()) {
            s += v.item();
        }
        return s;
    }

    void lossIsFiniteAndSgdLowersIt(String maskHead) {
        Fcos model = new Fcos(config(maskHead), new Generator(1));
        List<Tensor> images = images();
        List<Target> targets = targets();
        Map<String, Variable> first = model.losses(images, targets, null);
        assertEquals(List.of("classification", "bbox_regression", "bbox_ctrness", "loss_mask"),
                List.copyOf(first.keySet()));
        double mask = first.get("loss_mask").item();
        assertTrue(Double.isFinite(mask) && mask > 0, "loss_mask " + mask);
        Sgd sgd = new Sgd(model.trainableParameters(), 0.01, 0.9, 0);
        double before = total(first);
        Map<String, Variable> losses = first;
        for (int step = 0; step < 6; step++) {
            Variable sum = null;
            for (Variable v : losses.values()) {
                sum = sum == null ? v : sum.add(v);
            }
            sgd.zeroGrad();
            sum.backward();
            sgd.step();
            losses = model.losses(images, targets, null);
        }
        double after = total(losses);
        assertTrue(after < before, "total loss " + before + " -> " + after);
        assertTrue(Double.isFinite(losses.get("loss_mask").item()));
    }

    void detectReturnsMasksAndWeightsRoundTrip(String maskHead) {
        Fcos model = new Fcos(config(maskHead), new Generator(2));
        model.eval();
        List<Tensor> images = images();
        List<Detections> dets = model.detect(images);
        for (int i = 0; i < images.size(); i++) {
            Detections d = dets.get(i);
            assertNotNull(d.masks(), "masks of image " + i);
            assertArrayEquals(new int[] {d.size(), images.get(i).size(1), images.get(i).size(2)}, d.masks().shape());
            assertEquals(DType.F32, d.masks().dtype());
            if (d.size() > 0) {
                assertTrue(d.masks().min().item() >= 0 && d.masks().max().item() <= 1, "probabilities");
            }
        }
        assertTrue(dets.get(0).size() > 0, "the low score threshold yields detections");
        Path file = tmp.resolve(maskHead + ".safetensors");
        model.saveWeights(file);
        Fcos loaded = Fcos.forLoading(config(maskHead));
        loaded.loadWeights(file);
        loaded.eval();
        List<Detections> again = loaded.detect(images);
        for (int i = 0; i < images.size(); i++) {
            assertTrue(dets.get(i).masks().allClose(again.get(i).masks(), 0, 0), "masks after reload, image " + i);
            assertTrue(dets.get(i).boxes().allClose(again.get(i).boxes(), 0, 0), "boxes after reload, image " + i);
        }
    }

    /** detect(images, minScore) is detect(images) cut at minScore, masks included. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"none", "condinst", "roi"})
    void aStricterScoreGivesTheLeadingDetections(String maskHead) {
        Fcos model = new Fcos(config(maskHead), new Generator(2));
        model.eval();
        List<Tensor> images = images();
        List<Detections> all = model.detect(images);
        float[] s0 = all.get(0).scores().toFloatArray();
        assertTrue(s0.length >= 2, "needs detections to cut");
        double cut = (s0[s0.length / 2] + s0[s0.length / 2 - 1]) / 2.0;
        List<Detections> strict = model.detect(images, cut);
        for (int i = 0; i < images.size(); i++) {
            Detections a = all.get(i);
            float[] s = a.scores().toFloatArray();
            int k = 0;
            while (k < s.length && s[k] >= cut) {
                k++;
            }
            Detections b = strict.get(i);
            assertEquals(k, b.size(), "image " + i);
            assertTrue(a.boxes().narrow(0, 0, k).allClose(b.boxes(), 0, 0), "boxes of image " + i);
            assertTrue(a.scores().narrow(0, 0, k).allClose(b.scores(), 0, 0), "scores of image " + i);
            assertTrue(a.labels().narrow(0, 0, k).allClose(b.labels(), 0, 0), "labels of image " + i);
            if (a.masks() != null) {
                assertTrue(a.masks().narrow(0, 0, k).allClose(b.masks(), 0, 0), "masks of image " + i);
            }
        }
    }

    void targetsWithoutMasksAreRejected(String maskHead) {
        Fcos model = new Fcos(config(maskHead), new Generator(3));
        List<Target> noMasks = new ArrayList<>();
        for (Target t : targets()) {
            noMasks.add(new Target(t.boxes(), t.labels()));
        }
        TensorException e = assertThrows(TensorException.class, () -> model.losses(images(), noMasks, null));
        assertTrue(e.getMessage().contains("no masks"), e.getMessage());
    }

    /** An image without instances (empty masks): the mask loss is a finite zero whose gradient is defined. */
    void emptyTargetsGiveZeroLossOnTape(String maskHead) {
        Fcos model = new Fcos(config(maskHead), new Generator(4));
        Tensor image = images().get(1);
        Target empty = new Target(Tensor.zeros(0, 4), Tensor.zeros(DType.I64, 0),
                Tensor.zeros(DType.U8, 0, image.size(1), image.size(2)));
        Map<String, Variable> losses = model.losses(List.of(image), List.of(empty), null);
        Variable mask = losses.get("loss_mask");
        assertEquals(0.0, mask.item());
        mask.backward();
    }

    @Test
    void condInstLossIsFiniteAndSgdLowersIt() {
        lossIsFiniteAndSgdLowersIt("condinst");
    }

    @Test
    void condInstDetectReturnsMasksAndWeightsRoundTrip() {
        detectReturnsMasksAndWeightsRoundTrip("condinst");
    }

    @Test
    void condInstRejectsTargetsWithoutMasks() {
        targetsWithoutMasksAreRejected("condinst");
    }

    @Test
    void condInstEmptyTargets() {
        emptyTargetsGiveZeroLossOnTape("condinst");
    }

    @Test
    void condInstStateDictHasAdelaiDetKeys() {
        Map<String, Tensor> sd = new Fcos(config("condinst"), new Generator(5)).stateDict();
        for (String k : new String[] {"mask_branch.refine.0.0.weight", "mask_branch.refine.2.1.running_var",
            "mask_branch.tower.3.0.weight", "mask_branch.tower.4.weight", "mask_branch.tower.4.bias",
            "controller.weight", "controller.bias", "head.regression_head.bbox_ctrness.weight"}) {
            assertTrue(sd.containsKey(k), "state dict lacks " + k);
        }
        assertArrayEquals(new int[] {169, 32, 3, 3}, sd.get("controller.weight").shape());
        Map<String, Tensor> none = new Fcos(config("none"), new Generator(5)).stateDict();
        assertTrue(none.keySet().stream().noneMatch(k -> k.startsWith("mask_branch") || k.startsWith("controller")));
    }

    @Test
    void roiLossIsFiniteAndSgdLowersIt() {
        lossIsFiniteAndSgdLowersIt("roi");
    }

    @Test
    void roiDetectReturnsMasksAndWeightsRoundTrip() {
        detectReturnsMasksAndWeightsRoundTrip("roi");
    }

    @Test
    void roiRejectsTargetsWithoutMasks() {
        targetsWithoutMasksAreRejected("roi");
    }

    @Test
    void roiEmptyTargets() {
        emptyTargetsGiveZeroLossOnTape("roi");
    }

    @Test
    void roiStateDictHasTorchvisionKeys() {
        Map<String, Tensor> sd = new Fcos(config("roi"), new Generator(5)).stateDict();
        for (String k : new String[] {"roi_heads.mask_head.0.0.weight", "roi_heads.mask_head.3.0.bias",
            "roi_heads.mask_predictor.conv5_mask.weight", "roi_heads.mask_predictor.conv5_mask.bias",
            "roi_heads.mask_predictor.mask_fcn_logits.weight", "roi_heads.mask_predictor.mask_fcn_logits.bias"}) {
            assertTrue(sd.containsKey(k), "state dict lacks " + k);
        }
        assertArrayEquals(new int[] {256, 32, 3, 3}, sd.get("roi_heads.mask_head.0.0.weight").shape());
        assertArrayEquals(new int[] {3, 256, 1, 1}, sd.get("roi_heads.mask_predictor.mask_fcn_logits.weight").shape());
    }
}
