package org.cassl.nn.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.nn.Init;
import org.cassl.nn.Parameter;
import org.cassl.nn.testing.SeededWeights;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.Test;

/**
 * torchvision's resnet18 + FPN + LastLevelP6P7 against ours on the same (seeded) weights and
 * image: C3..C5, P3..P7, the gradients of a loss over the pyramid, and in training mode the
 * updated BatchNorm statistics.
 */
class ResNetFpnParityTest {
    private static final String[] FEATURES = {"C3", "C4", "C5", "P3", "P4", "P5", "P6", "P7"};

    private static BackboneWithFpn seededBackbone(NormKind norm) {
        BackboneWithFpn b;
        try (var skip = Init.skipRandom()) {
            b = BackboneWithFpn.fcosBackbone(ResNet.Arch.RESNET18, norm, 5, new Generator(0));
        }
        SeededWeights.fill(b);
        return b;
    }

    /** Runs the backbone and returns C3..C5 followed by P3..P7. */
    private static List<Variable> run(BackboneWithFpn b, Tensor x) {
        List<Variable> cs = b.body().features(Variable.of(x), 2, 3, 4);
        List<Variable> out = new ArrayList<>(cs);
        out.addAll(b.fpn().forward(cs));
        return out;
    }

    private static Variable loss(List<Variable> feats) {
        Variable l = null;
        for (int i = 3; i < feats.size(); i++) {
            Variable p = feats.get(i);
            Variable term = p.mul(p).mean();
            l = l == null ? term : l.add(term);
        }
        return l;
    }

    private static void compare(Golden.Case c, List<Variable> feats, double rtol, String tag) {
        for (int i = 0; i < FEATURES.length; i++) {
            Tensor want = c.get(FEATURES[i]);
            Tensor got = feats.get(i).data();
            double scale = want.abs().max().item();
            System.out.printf("parity %s %s %s: max |diff| %.3g (max |value| %.3g)%n", c.name(), tag, FEATURES[i],
                    got.sub(want).abs().max().item(), scale);
            TensorAssert.assertClose(want, got, rtol, rtol * scale, c.name() + " " + tag + " " + FEATURES[i]);
        }
    }

    @Test
    void evalForwardAndBackwardMatchTorchvision() {
        Golden.Case c = Golden.load("nn_forward").cases("resnet18_fpn_eval").get(0);
        int[] shape = c.intsParam("shape");
        Tensor x = SeededWeights.uniform(7, 0, 1, shape);
        TensorAssert.assertEqual(c.get("input"), x, "seeded input formula");
        BackboneWithFpn b = seededBackbone(NormKind.BATCH);
        b.eval();
        List<Variable> feats = run(b, x);
        compare(c, feats, 2e-4, "bn");
        Variable l = loss(feats);
        assertEquals(c.get("loss").item(), l.item(), 2e-4 * Math.abs(l.item()));
        l.backward();
        Map<String, Parameter> params = b.namedParameters();
        for (var key : c.params().get("grad_keys")) {
            Tensor want = c.get("grad/" + key.asText());
            double scale = want.abs().max().item();
            TensorAssert.assertClose(want, params.get(key.asText()).grad(), 1e-3, 1e-3 * scale, "grad " + key.asText());
        }
    }

    @Test
    void frozenBatchNormGivesTheEvalOutputs() {
        Golden.Case c = Golden.load("nn_forward").cases("resnet18_fpn_eval").get(0);
        BackboneWithFpn frozen = seededBackbone(NormKind.FROZEN);
        frozen.train(true); // frozen BN ignores the mode
        compare(c, run(frozen, c.get("input")), 2e-4, "frozen");
    }

    @Test
    void trainForwardUpdatesStatisticsLikeTorchvision() {
        // float64: see forward_case in gen_nn.py (ReLU masks must not flip on rounding)
        Golden.Case c = Golden.load("nn_forward").cases("resnet18_fpn_train").get(0);
        Tensor x = SeededWeights.uniform(7, 0, 1, c.intsParam("shape")).to(DType.F64);
        BackboneWithFpn b = seededBackbone(NormKind.BATCH);
        b.to(DType.F64);
        b.train(true);
        List<Variable> feats = run(b, x);
        compare(c, feats, 1e-9, "train");
        Map<String, Tensor> sd = b.stateDict();
        for (String k : new String[] {"body.bn1.running_mean", "body.bn1.running_var", "body.layer4.1.bn2.running_var",
            "body.layer4.1.bn2.num_batches_tracked"}) {
            TensorAssert.assertClose(c.get("state/" + k), sd.get(k), 1e-9, 1e-12, k);
        }
        Variable l = loss(feats);
        l.backward();
        Map<String, Parameter> params = b.namedParameters();
        for (var key : c.params().get("grad_keys")) {
            Tensor want = c.get("grad/" + key.asText());
            double scale = want.abs().max().item();
            TensorAssert.assertClose(want, params.get(key.asText()).grad(), 1e-8, 1e-9 * scale, "grad " + key.asText());
        }
    }

    @Test
    void classifierLogitsMatchTorchvision() {
        Golden.Case c = Golden.load("nn_forward").cases("resnet18_classifier").get(0);
        ResNet net;
        try (var skip = Init.skipRandom()) {
            net = new ResNet(ResNet.Arch.RESNET18, NormKind.BATCH, c.intParam("classes"), new Generator(0));
        }
        SeededWeights.fill(net);
        net.eval();
        Variable logits = net.forward(Variable.of(SeededWeights.uniform(8, 0, 1, c.intsParam("shape"))));
        Tensor want = c.get("logits");
        TensorAssert.assertClose(want, logits.data(), 2e-4, 2e-4 * want.abs().max().item(), "logits");
    }
}
