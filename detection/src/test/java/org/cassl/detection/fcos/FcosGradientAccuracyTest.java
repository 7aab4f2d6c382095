package org.cassl.detection.fcos;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.Target;
import org.cassl.nn.Parameter;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: the float32 gradients of a whole FCOS training step (ResNet-18, FPN 64, every
 * backbone stage trainable, two images, one batch) against torchvision's float64 gradients
 * ({@code tools/golden/gen_fcos_grads.py}), with PyTorch float32's own error as the bar.
 *
 * <p>Float32 error here is dominated by discrete decisions of the forward pass: a ReLU input or a
 * max-pool pair within rounding distance of a tie falls on the other side than in float64, which
 * moves one gradient entry; when that entry carries a visible share of a (spatially
 * concentrated) gradient, every parameter below it moves by up to a percent. Which ties break
 * differently depends on rounding order, so the bound is relative to PyTorch's float32 error on
 * the same case rather than an absolute one.
 */
class FcosGradientAccuracyTest {
    /** Slack over twice PyTorch's float32 error; also the bound where PyTorch is near exact. */
    private static final double SLACK = 2e-4;

    @Test
    void float32GradientsOfEveryParameterAreAsAccurateAsPyTorchs() {
        Golden.Case c = Golden.load("fcos_grads").cases("train").get(0);
        FcosConfig config = FcosConfig.parse(c.params().get("config").toString());
        List<Tensor> images = new ArrayList<>();
        for (JsonNode im : c.params().get("images")) {
            JsonNode rs = im.get(3);
            int[][] rects = new int[rs.size()][4];
            for (int r = 0; r < rects.length; r++) {
                for (int k = 0; k < 4; k++) {
                    rects[r][k] = rs.get(r).get(k).asInt();
                }
            }
            images.add(DeterministicWeights.image(im.get(0).asText(), im.get(1).asInt(), im.get(2).asInt(), rects));
        }
        List<Target> targets = new ArrayList<>();
        for (JsonNode t : c.params().get("targets")) {
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
        Fcos m = Fcos.forLoading(config);
        DeterministicWeights.fill(m);
        m.train(true);
        Map<String, Variable> losses = m.losses(images, targets, null);
        Variable total = null;
        for (String k : List.of("classification", "bbox_regression", "bbox_ctrness")) {
            Variable v = losses.get(k);
            assertClose(c.get("loss64/" + k), v.data().to(DType.F64), 1e-6, 1e-7, "loss " + k);
            total = total == null ? v : total.add(v);
        }
        total.backward();

        int sample = c.intParam("sample");
        Map<String, Parameter> params = m.namedParameters();
        StringBuilder report = new StringBuilder();
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (JsonNode n : c.params().get("params")) {
            String name = n.asText();
            Tensor g = params.get(name).grad().to(DType.F64).reshape(-1);
            int numel = g.numel();
            int step = (numel + sample - 1) / sample;
            Tensor got = g.slice(0, 0, numel, step);
            Tensor want = c.get("grad64/" + name);
            double err = Math.sqrt(got.sub(want).pow(2).sum().item()) / Math.sqrt(want.pow(2).sum().item());
            double torch32 = c.get("torch32_err/" + name).getDouble(0);
            double bound = 2 * torch32 + SLACK;
            report.append(String.format("%-55s cassl %.2e torch32 %.2e%n", name, err, torch32));
            if (!(err <= bound)) {
                failures.add(String.format("%s: relative L2 %.3e > %.3e (PyTorch float32: %.3e)", name, err, bound, torch32));
            }
            checked++;
        }
        assertEquals(params.values().stream().filter(Parameter::requiresGrad).count(), checked,
                "every trainable parameter is checked");
        assertTrue(failures.isEmpty(), String.join("\n", failures) + "\n" + report);
    }
}
