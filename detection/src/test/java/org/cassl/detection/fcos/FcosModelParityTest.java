package org.cassl.detection.fcos;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.cassl.tensor.testing.TensorAssert.assertEqual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.detection.Detections;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.FcosGolden;
import org.cassl.detection.Target;
import org.cassl.nn.Parameter;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole FCOS (ResNet-18, FPN 64 channels with P6/P7, 5 classes, images resized to 128..160)
 * against torchvision on the same deterministic weights and images: the padded batch, the
 * pyramid, the head outputs, the detections, the three losses and the gradients.
 */
class FcosModelParityTest {
    private static Golden.Case evalCase;
    private static Golden.Case trainCase;
    private static Golden.Case inputsCase;
    private static FcosConfig config;
    private static List<Tensor> images;
    private static List<Target> targets;
    /** One float32 training-mode forward shared by the eval and loss checks (frozen BN: same as eval). */
    private static Fcos shared;
    private static Fcos.Forward sharedForward;

    private static Golden.Case modelCase(String name) {
        return FcosGolden.model().cases(name).stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @BeforeAll
    static void load() {
        evalCase = modelCase("eval");
        trainCase = modelCase("train");
        inputsCase = modelCase("inputs");
        config = FcosConfig.parse(evalCase.params().get("config").toString());
        images = new ArrayList<>();
        for (JsonNode im : inputsCase.params().get("images")) {
            JsonNode rs = im.get(3);
            int[][] rects = new int[rs.size()][4];
            for (int r = 0; r < rects.length; r++) {
                for (int k = 0; k < 4; k++) {
                    rects[r][k] = rs.get(r).get(k).asInt();
                }
            }
            images.add(DeterministicWeights.image(im.get(0).asText(), im.get(1).asInt(), im.get(2).asInt(), rects));
        }
        targets = new ArrayList<>();
        for (JsonNode t : inputsCase.params().get("targets")) {
            JsonNode bs = t.get(0);
            float[] b = new float[bs.size() * 4];
            long[] l = new long[bs.size()];
            for (int i = 0; i < bs.size(); i++) {
                for (int k = 0; k < 4; k++) {
                    b[4 * i + k] = (float) bs.get(i).get(k).asDouble();
                }
                l[i] = t.get(1).get(i).asLong();
            }
            targets.add(new Target(Tensor.of(b, bs.size(), 4), Tensor.of(l, l.length)));
        }
        shared = model();
        shared.train(true);
        // only the last head convs record onto the tape: their gradients depend on forward values alone
        shared.requiresGrad(false);
        for (var e : shared.namedParameters().entrySet()) {
            String owner = e.getKey().split("\\.")[e.getKey().split("\\.").length - 2];
            if (List.of("cls_logits", "bbox_reg", "bbox_ctrness").contains(owner)) {
                e.getValue().setRequiresGrad(true);
            }
        }
        sharedForward = shared.run(images, targets, null);
    }

    private static Fcos model() {
        Fcos m = Fcos.forLoading(config);
        DeterministicWeights.fill(m);
        return m;
    }

    /** Closeness relative to the largest magnitude of the expected tensor. */
    private static void assertScaled(Tensor want, Tensor got, double rtol, String what) {
        double scale = Math.max(want.abs().max().item(), 1e-12);
        assertClose(want, got, rtol, rtol * scale, what);
    }

    @Test
    void inputsFollowTheGeneratorsFormula() {
        for (int i = 0; i < images.size(); i++) {
            Tensor crop = images.get(i).slice(1, 0, 4).slice(2, 0, 4);
            assertEqual(inputsCase.get("image" + i), crop, "image " + i);
        }
    }

    @Test
    void stateDictHasTorchvisionsKeysAndShapes() {
        Fcos m = Fcos.forLoading(config);
        List<String> keys = new ArrayList<>();
        for (var e : m.stateDict(false).entrySet()) {
            keys.add(e.getKey() + " " + java.util.Arrays.toString(e.getValue().shape()));
        }
        List<String> want = new ArrayList<>();
        for (JsonNode kv : modelCase("keys").params().get("state_dict")) {
            int[] shape = new int[kv.get(1).size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = kv.get(1).get(i).asInt();
            }
            want.add(kv.get(0).asText() + " " + java.util.Arrays.toString(shape));
        }
        assertEquals(want, keys);
        List<String> trainable = new ArrayList<>();
        m.namedParameters().forEach((k, p) -> {
            if (p.requiresGrad()) {
                trainable.add(k);
            }
        });
        List<String> wantTrainable = new ArrayList<>();
        modelCase("keys").params().get("trainable").forEach(n -> wantTrainable.add(n.asText()));
        assertEquals(wantTrainable, trainable);
    }

    @Test
    void evalForwardMatchesTorchvision() {
        Fcos m = shared;
        Fcos.Forward fw = sharedForward;
        {
            Tensor batch = fw.images().tensors();
            assertEquals(List.of(160, 160), List.of(batch.size(2), batch.size(3)));
            assertScaled(evalCase.get("batch_sum"), batch.sum(new int[] {2, 3}, false), 1e-5, "batch sum");
            assertScaled(evalCase.get("batch_crop"), batch.slice(2, 40, 48).slice(3, 40, 48), 1e-5, "batch crop");
            for (int l = 0; l < fw.features().size(); l++) {
                Tensor f = fw.features().get(l).data();
                assertScaled(evalCase.get("feature" + l + "_head"), f.slice(1, 0, 8), 1e-4, "P" + (l + 3));
                assertScaled(evalCase.get("feature" + l + "_mean"), f.mean(new int[] {2, 3}, false), 1e-4,
                        "P" + (l + 3) + " mean");
            }
            HeadOutputs h = fw.head();
            assertScaled(evalCase.get("cls_logits"), h.clsLogits().data(), 1e-4, "cls_logits");
            assertScaled(evalCase.get("bbox_regression"), h.bboxRegression().data(), 1e-4, "bbox_regression");
            assertScaled(evalCase.get("bbox_ctrness"), h.bboxCtrness().data(), 1e-4, "bbox_ctrness");

            List<int[]> original = List.of(new int[] {90, 120}, new int[] {100, 77});
            List<Detections> dets = m.detections(fw, original);
            for (int i = 0; i < dets.size(); i++) {
                Detections d = dets.get(i);
                Tensor wantScores = evalCase.get("det_scores" + i);
                assertTrue(wantScores.numel() > 10, "the golden has plenty of detections");
                assertEquals(wantScores.numel(), d.size(), "detections of image " + i);
                assertClose(wantScores, d.scores(), 1e-4, 1e-6, "scores " + i);
                assertEqual(evalCase.get("det_labels" + i), d.labels(), "labels " + i);
                assertClose(evalCase.get("det_boxes" + i), d.boxes(), 1e-4, 1e-3, "boxes " + i);
            }
        }
    }

    @Test
    void float32LossesAndLastLayerGradientsMatchTorchvision() {
        Fcos m = shared;
        Variable total = checkLosses(trainCase, m.losses(sharedForward), 1e-5);
        total.backward();
        Map<String, Parameter> params = m.namedParameters();
        for (JsonNode n : trainCase.params().get("full")) {
            String name = n.asText();
            assertScaled(trainCase.get("grad/" + name), params.get(name).grad(), 1e-4, "grad " + name);
        }
    }

    private static Variable checkLosses(Golden.Case c, Map<String, Variable> losses, double rtol) {
        Variable total = null;
        for (String k : List.of("classification", "bbox_regression", "bbox_ctrness")) {
            Variable v = losses.get(k);
            assertClose(c.get(k), v.data(), rtol, 1e-7, c + " " + k);
            total = total == null ? v : total.add(v);
        }
        return total;
    }

    @Test
    void trainingEntryPointRejectsMissingTargets() {
        org.junit.jupiter.api.Assertions.assertThrows(org.cassl.tensor.TensorException.class,
                () -> shared.losses(images, List.of(targets.get(0)), null));
    }

    /**
     * Every gradient, in float64 (in float32 a ReLU input within rounding distance of zero may
     * fall on either side in two implementations, which moves deep gradients by up to a percent).
     */
    @Test
    void float64GradientsOfEveryParameterMatchTorchvision() {
        Golden.Case c = modelCase("train64");
        Fcos m = Fcos.forLoading(FcosConfig.parse(c.params().get("config").toString()));
        DeterministicWeights.fill(m);
        DeterministicWeights.toDouble(m);
        m.train(true);
        int i = c.intParam("image");
        Variable total = checkLosses(c, m.losses(List.of(images.get(i).to(DType.F64)),
                List.of(new Target(targets.get(i).boxes().to(DType.F64), targets.get(i).labels())), null), 1e-9);
        total.backward();
        Map<String, Parameter> params = m.namedParameters();
        int checked = 0;
        for (JsonNode n : c.params().get("full")) {
            String name = n.asText();
            assertScaled(c.get("grad/" + name), params.get(name).grad(), 1e-7, "grad " + name);
            checked++;
        }
        for (JsonNode n : c.params().get("partial")) {
            String name = n.asText();
            Tensor g = params.get(name).grad().reshape(-1);
            Tensor stats = c.get("grad_stats/" + name);
            assertEquals(stats.getDouble(0), g.sum().item(), 1e-8 * stats.getDouble(2), "sum of grad " + name);
            assertEquals(stats.getDouble(1), g.mul(g).sum().item(), 1e-7 * stats.getDouble(1), "sum of squares of grad " + name);
            assertEquals(stats.getDouble(2), g.abs().sum().item(), 1e-7 * stats.getDouble(2), "abs sum of grad " + name);
            Tensor prefix = c.get("grad_prefix/" + name);
            assertScaled(prefix, g.slice(0, 0, prefix.numel()), 1e-7, "grad prefix " + name);
            checked++;
        }
        assertEquals(params.values().stream().filter(Parameter::requiresGrad).count(), checked,
                "every trainable parameter is checked");
    }

    @Test
    void savedWeightsLoadIntoAFreshModelThatDetectsLikeTorchvision(@TempDir Path dir) {
        Fcos m = model();
        Path file = dir.resolve("fcos.safetensors");
        m.saveWeights(file);
        Fcos loaded = Fcos.forLoading(config);
        loaded.loadWeights(file);
        Map<String, Tensor> a = m.stateDict();
        Map<String, Tensor> b = loaded.stateDict();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertEqual(a.get(k), b.get(k), k);
        }
        loaded.eval();
        List<Detections> dets = loaded.detect(images);
        for (int i = 0; i < dets.size(); i++) {
            assertClose(evalCase.get("det_scores" + i), dets.get(i).scores(), 1e-4, 1e-6, "scores " + i);
            assertEqual(evalCase.get("det_labels" + i), dets.get(i).labels(), "labels " + i);
            assertClose(evalCase.get("det_boxes" + i), dets.get(i).boxes(), 1e-4, 1e-3, "boxes " + i);
        }
    }

    @Test
    void loadingReportsMissingAndUnexpectedKeys(@TempDir Path dir) {
        Map<String, Tensor> state = new java.util.LinkedHashMap<>(model().stateDict());
        state.remove("head.regression_head.bbox_ctrness.bias");
        state.put("head.extra.weight", Tensor.zeros(3));
        Path file = dir.resolve("bad.safetensors");
        org.cassl.tensor.io.SafeTensors.write(file, state);
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.cassl.nn.StateDictException.class,
                () -> Fcos.forLoading(config).loadWeights(file));
        assertTrue(e.getMessage().contains("head.regression_head.bbox_ctrness.bias"), e.getMessage());
        assertTrue(e.getMessage().contains("head.extra.weight"), e.getMessage());
    }
}
