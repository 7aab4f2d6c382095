package org.cassl.nn.layers;

import static org.cassl.tensor.testing.TensorAssert.assertEqual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.cassl.autograd.GradMode;
import org.cassl.autograd.Variable;
import org.cassl.nn.Layer;
import org.cassl.nn.Parameter;
import org.cassl.nn.models.NormKind;
import org.cassl.nn.models.ResNet;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The models' norm + ReLU (+ residual) steps run fused ({@link NormAct}) or one after another
 * ({@code -Dcassl.fuseNormAct=false}) with the same outputs, gradients and running statistics,
 * to the bit.
 */
class NormActLayersTest {
    /** Output, every parameter's gradient and every buffer after one training forward and backward. */
    private static List<Tensor> trainStep(boolean fused, Supplier<Layer> model, Tensor x, long upSeed) {
        String before = System.getProperty(NormAct.PROPERTY);
        System.setProperty(NormAct.PROPERTY, Boolean.toString(fused));
        try {
            Layer m = model.get();
            m.train(true);
            Variable y = m.forward(Variable.of(x));
            Tensor up = Tensor.randn(new Generator(upSeed), y.shape());
            y.mul(Variable.of(up)).sum().backward();
            List<Tensor> out = new ArrayList<>();
            out.add(y.data());
            for (Parameter p : m.namedParameters().values()) {
                out.add(p.grad());
            }
            for (Map.Entry<String, Tensor> b : m.stateDict().entrySet()) {
                out.add(b.getValue());
            }
            return out;
        } finally {
            if (before == null) {
                System.clearProperty(NormAct.PROPERTY);
            } else {
                System.setProperty(NormAct.PROPERTY, before);
            }
        }
    }

    private static void assertSameStep(Supplier<Layer> model, Tensor x, String what) {
        List<Tensor> fused = trainStep(true, model, x, 3);
        List<Tensor> plain = trainStep(false, model, x, 3);
        assertEquals(plain.size(), fused.size(), what);
        for (int i = 0; i < plain.size(); i++) {
            assertEqual(plain.get(i), fused.get(i), what + " tensor #" + i);
        }
    }

    @Test
    void resnet18And50TrainTheSameFusedAndUnfused() {
        Tensor x = Tensor.randn(new Generator(2), 2, 3, 32, 32);
        assertSameStep(() -> new ResNet(ResNet.Arch.RESNET18, NormKind.BATCH, 5, new Generator(1)), x, "resnet18");
        assertSameStep(() -> new ResNet(ResNet.Arch.RESNET50, NormKind.BATCH, 5, new Generator(1)), x, "resnet50");
        // frozen batch norm has no fused form: the unfused steps either way
        assertSameStep(() -> new ResNet(ResNet.Arch.RESNET18, NormKind.FROZEN, 5, new Generator(1)), x, "frozen");
    }

    private static Sequential tower(Generator g) {
        Sequential s = new Sequential();
        for (int i = 0; i < 2; i++) {
            s.add(new Conv2d(i == 0 ? 3 : 32, 32, 3, 3, Conv2dParams.of(1, 1, 1, 1), true, g));
            s.add(new GroupNorm(8, 32));
            s.add(new ReLU());
        }
        return s;
    }

    @Test
    void aSequentialFusesEachNormFollowedByRelu() {
        Tensor x = Tensor.randn(new Generator(4), 2, 3, 9, 7);
        assertSameStep(() -> tower(new Generator(5)), x, "conv-GroupNorm-ReLU tower");
        // without a tape, forwardAll takes the same fused path for every input
        Sequential s = tower(new Generator(5));
        List<Variable> xs = List.of(Variable.of(x), Variable.of(x.slice(0, 1, 2, 1)));
        List<Variable> all;
        try (GradMode.Scope off = GradMode.off()) {
            all = s.forwardAll(xs);
        }
        for (int i = 0; i < xs.size(); i++) {
            assertEqual(s.forward(xs.get(i)).data(), all.get(i).data(), "forwardAll #" + i);
        }
    }

    @Test
    void onlyExactBatchAndGroupNormsFuse() {
        assertTrue(NormAct.fuses(new BatchNorm2d(4)));
        assertTrue(NormAct.fuses(new GroupNorm(2, 4)));
        assertFalse(NormAct.fuses(new FrozenBatchNorm2d(4)));
        // a subclass may override forward: it keeps its own
        assertFalse(NormAct.fuses(new BatchNorm2d(4) { }));
    }
}
