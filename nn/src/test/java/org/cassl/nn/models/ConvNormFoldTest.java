package org.cassl.nn.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.cassl.autograd.GradMode;
import org.cassl.autograd.Variable;
import org.cassl.nn.FastInference;
import org.cassl.nn.Init;
import org.cassl.nn.Layer;
import org.cassl.nn.Module;
import org.cassl.nn.Parameter;
import org.cassl.nn.layers.BatchNorm2d;
import org.cassl.nn.layers.Conv2d;
import org.cassl.nn.layers.ConvNormFold;
import org.cassl.nn.layers.FrozenBatchNorm2d;
import org.cassl.nn.layers.Sequential;
import org.cassl.nn.testing.SeededWeights;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The inference fast path of the ResNet blocks and stem (each norm folded into its convolution,
 * residual and ReLU in the convolution's output pass) against the layers applied one by one, with
 * batch norms of non-trivial statistics; and that training and recorded forwards do not take it.
 */
class ConvNormFoldTest {
    @AfterEach
    void restore() {
        FastInference.setEnabled(true);
    }

    /** Gives every norm of {@code m} random affine terms and running statistics. */
    private static void randomNorms(Module m, long seed) {
        Generator g = new Generator(seed);
        for (Module s : m.namedModules().values()) {
            if (s instanceof BatchNorm2d b) {
                randomStats(g, b.weight().data(), b.bias().data(), b.runningMean(), b.runningVar());
            } else if (s instanceof FrozenBatchNorm2d f) {
                randomStats(g, f.weight(), f.bias(), f.runningMean(), f.runningVar());
            }
        }
    }

    private static void randomStats(Generator g, Tensor w, Tensor b, Tensor mean, Tensor var) {
        int c = w.size(0);
        w.copyFrom(Tensor.uniform(g, 0.3, 1.7, w.dtype(), c));
        b.copyFrom(Tensor.normal(g, 0, 0.5, b.dtype(), c));
        mean.copyFrom(Tensor.normal(g, 0, 0.3, mean.dtype(), c));
        var.copyFrom(Tensor.uniform(g, 0.05, 3, var.dtype(), c));
    }

    /** The inference output with the fast path on and off; asserts they agree to float rounding. */
    private static void assertFoldedMatches(Supplier<List<Tensor>> forward, String what) {
        List<Tensor> folded;
        List<Tensor> plain;
        try (GradMode.Scope g = GradMode.off()) {
            FastInference.setEnabled(true);
            folded = forward.get();
            FastInference.setEnabled(false);
            plain = forward.get();
        } finally {
            FastInference.setEnabled(true);
        }
        for (int i = 0; i < plain.size(); i++) {
            Tensor want = plain.get(i);
            double scale = want.abs().max().item();
            TensorAssert.assertClose(want, folded.get(i), 1e-4, 1e-5 * scale, what + " output " + i);
            // the fold really changed the arithmetic (else this test compares a path with itself)
            assertFalse(same(want, folded.get(i)), what + " output " + i + " is bit-identical: fast path not taken?");
        }
    }

    private static boolean same(Tensor a, Tensor b) {
        return java.util.Arrays.equals(a.toFloatArray(), b.toFloatArray());
    }

    private static Sequential downsample(int in, int out, int stride, NormKind norm, Generator gen) {
        return new Sequential(new Conv2d(in, out, 1, 1, Conv2dParams.of(stride, 0, 1, 1), false, gen), norm.create(out));
    }

    @Test
    void basicBlockFoldedMatchesUnfolded() {
        for (NormKind norm : NormKind.values()) {
            Generator gen = new Generator(1);
            for (boolean down : new boolean[] {false, true}) {
                int in = down ? 8 : 16;
                BasicBlock b = new BasicBlock(in, 16, down ? 2 : 1, down ? downsample(in, 16, 2, norm, gen) : null, norm,
                        gen);
                randomNorms(b, 2);
                b.eval();
                Tensor x = Tensor.randn(gen, 2, in, 13, 11);
                assertFoldedMatches(() -> List.of(b.forward(Variable.of(x)).data()),
                        "BasicBlock " + norm + (down ? " downsample" : ""));
            }
        }
    }

    @Test
    void bottleneckFoldedMatchesUnfolded() {
        for (NormKind norm : NormKind.values()) {
            Generator gen = new Generator(3);
            for (boolean down : new boolean[] {false, true}) {
                int in = down ? 16 : 32;
                Bottleneck b = new Bottleneck(in, 8, down ? 2 : 1, down ? downsample(in, 32, 2, norm, gen) : null, norm,
                        gen);
                randomNorms(b, 4);
                b.eval();
                Tensor x = Tensor.randn(gen, 2, in, 9, 10);
                assertFoldedMatches(() -> List.of(b.forward(Variable.of(x)).data()),
                        "Bottleneck " + norm + (down ? " downsample" : ""));
            }
        }
    }

    @Test
    void resNetStemAndStagesFoldedMatchUnfolded() {
        for (ResNet.Arch arch : new ResNet.Arch[] {ResNet.Arch.RESNET18, ResNet.Arch.RESNET50}) {
            for (NormKind norm : NormKind.values()) {
                ResNet net = new ResNet(arch, norm, 0, new Generator(5));
                randomNorms(net, 6);
                net.eval();
                Tensor x = Tensor.rand(new Generator(7), 1, 3, 45, 38);
                assertFoldedMatches(() -> {
                    List<Tensor> out = new ArrayList<>();
                    for (Variable v : net.features(Variable.of(x), 1, 2, 3, 4)) {
                        out.add(v.data());
                    }
                    return out;
                }, arch + " " + norm);
            }
        }
    }

    @Test
    void aConvolutionBiasFoldsIntoTheShift() {
        Generator gen = new Generator(15);
        for (NormKind norm : NormKind.values()) {
            Conv2d conv = new Conv2d(6, 10, 3, 3, Conv2dParams.of(2, 1, 1, 1), true, gen);
            conv.bias().data().copyFrom(Tensor.normal(gen, 0, 1, DType.F32, 10));
            Layer bn = norm.create(10);
            randomNorms(bn, 16);
            conv.eval();
            bn.eval();
            Tensor x = Tensor.randn(gen, 2, 6, 9, 8);
            Tensor res = Tensor.randn(gen, 2, 10, 5, 4);
            try (GradMode.Scope g = GradMode.off()) {
                Tensor want = bn.forward(conv.forward(Variable.of(x))).add(Variable.of(res)).relu().data();
                Tensor got = ConvNormFold.forward(conv, bn, Variable.of(x), Variable.of(res), true).data();
                TensorAssert.assertClose(want, got, 1e-4, 1e-5 * want.abs().max().item(), "conv bias " + norm);
            }
        }
    }

    @Test
    void foldedInferenceMatchesTorchvision() {
        // the golden eval case of ResNetFpnParityTest, through the fast path (no gradients recorded)
        Golden.Case c = Golden.load("nn_forward").cases("resnet18_fpn_eval").get(0);
        BackboneWithFpn b;
        try (var skip = Init.skipRandom()) {
            b = BackboneWithFpn.fcosBackbone(ResNet.Arch.RESNET18, NormKind.BATCH, 5, new Generator(0));
        }
        SeededWeights.fill(b);
        b.eval();
        try (GradMode.Scope g = GradMode.off()) {
            List<Variable> cs = b.body().features(Variable.of(c.get("input")), 2, 3, 4);
            String[] names = {"C3", "C4", "C5"};
            for (int i = 0; i < names.length; i++) {
                Tensor want = c.get(names[i]);
                double scale = want.abs().max().item();
                TensorAssert.assertClose(want, cs.get(i).data(), 2e-4, 2e-4 * scale, "folded " + names[i]);
            }
        }
    }

    @Test
    void foldFollowsParameterAndStatisticChanges() {
        Generator gen = new Generator(8);
        BasicBlock b = new BasicBlock(8, 16, 2, downsample(8, 16, 2, NormKind.BATCH, gen), NormKind.BATCH, gen);
        randomNorms(b, 9);
        b.eval();
        Tensor x = Tensor.randn(gen, 1, 8, 10, 10);
        Tensor before;
        try (GradMode.Scope g = GradMode.off()) {
            before = b.forward(Variable.of(x)).data();
        }
        // as an optimiser step and a statistics update would: in place, same tensors
        for (Parameter p : b.parameters()) {
            p.data().mulInPlace(1.25).addInPlace(Tensor.full(0.01, p.data().dtype(), p.shape()));
        }
        randomNorms(b, 10);
        assertFoldedMatches(() -> List.of(b.forward(Variable.of(x)).data()), "after changes");
        try (GradMode.Scope g = GradMode.off()) {
            assertFalse(same(before, b.forward(Variable.of(x)).data()), "the output did not change");
        }
    }

    /** Output, gradients of every parameter and norm statistics of one forward/backward. */
    private static List<float[]> step(NormKind norm, boolean train, boolean fast) {
        FastInference.setEnabled(fast);
        try {
            ResNet net = new ResNet(ResNet.Arch.RESNET18, norm, 0, new Generator(11));
            randomNorms(net, 12);
            net.train(train);
            Tensor x = Tensor.rand(new Generator(13), 2, 3, 40, 36);
            List<float[]> out = new ArrayList<>();
            Variable loss = null;
            for (Variable f : net.features(Variable.of(x), 2, 4)) {
                out.add(f.data().toFloatArray());
                Variable term = f.mul(f).mean();
                loss = loss == null ? term : loss.add(term);
            }
            loss.backward();
            for (Map.Entry<String, Parameter> p : net.namedParameters().entrySet()) {
                out.add(p.getValue().grad().toFloatArray());
            }
            for (Map.Entry<String, Tensor> e : net.stateDict().entrySet()) {
                out.add(e.getValue().to(DType.F32).toFloatArray());
            }
            return out;
        } finally {
            FastInference.setEnabled(true);
        }
    }

    @Test
    void trainingAndRecordedForwardsAreBitIdenticalWithTheFastPathOnAndOff() {
        for (NormKind norm : NormKind.values()) {
            for (boolean train : new boolean[] {true, false}) {
                List<float[]> on = step(norm, train, true);
                List<float[]> off = step(norm, train, false);
                assertEquals(off.size(), on.size());
                for (int i = 0; i < on.size(); i++) {
                    assertArrayEquals(off.get(i), on.get(i), norm + (train ? " train" : " eval recorded") + " entry " + i);
                }
            }
        }
    }

    @Test
    void fastPathOnlyWhereNothingIsRecorded() {
        Generator gen = new Generator(14);
        Conv2d conv = new Conv2d(3, 4, 3, 3, Conv2dParams.of(1, 1, 1, 1), false, gen);
        Layer bn = new BatchNorm2d(4);
        Variable x = Variable.of(Tensor.randn(gen, 1, 3, 5, 5));
        conv.train(true);
        bn.train(true);
        try (GradMode.Scope g = GradMode.off()) {
            assertFalse(FastInference.applies(x, conv, bn), "training mode");
            bn.eval();
            assertFalse(FastInference.applies(x, conv, bn), "one module still training");
            conv.eval();
            assertTrue(FastInference.applies(x, conv, bn), "eval, grad mode off");
            assertTrue(FastInference.applies(Variable.parameter(x.data()), conv, bn), "off: input grads do not record");
            FastInference.setEnabled(false);
            assertFalse(FastInference.applies(x, conv, bn), "switched off");
            FastInference.setEnabled(true);
        }
        assertFalse(FastInference.applies(x, conv, bn), "grad mode on, parameters require grad");
        conv.requiresGrad(false);
        bn.requiresGrad(false);
        assertTrue(FastInference.applies(x, conv, bn), "grad mode on, nothing requires grad");
        assertFalse(FastInference.applies(Variable.parameter(x.data()), conv, bn), "the input requires grad");
    }
}
