package org.cassl.nn.layers;

import java.util.Map;
import java.util.stream.Stream;
import org.cassl.autograd.Variable;
import org.cassl.nn.Buffer;
import org.cassl.nn.Layer;
import org.cassl.nn.Parameter;
import org.cassl.nn.models.BasicBlock;
import org.cassl.nn.models.Bottleneck;
import org.cassl.nn.models.NormKind;
import org.cassl.nn.testing.SeededWeights;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each layer with seeded weights against its torch.nn counterpart: output, gradients of
 * {@code sum(y * r)} for the input and every parameter, and buffers after the forward. ResNet
 * blocks (with stride and downsample) are checked the same way against torchvision's.
 */
class LayerGoldenTest {
    static Stream<Golden.Case> cases() {
        return Golden.load("nn_layers").cases().stream();
    }

    static Layer build(Golden.Case c) {
        Generator g = new Generator(0);
        String name = c.name().substring("layer/".length());
        return switch (name) {
            case "conv2d", "conv2d_nobias" -> new Conv2d(c.intParam("in"), c.intParam("out"), c.intParam("k"), c.intParam("k"),
                    Conv2dParams.of(c.intParam("stride"), c.intParam("pad"), 1, c.intParam("groups")), c.boolParam("bias", true), g);
            case "conv_transpose2d", "conv_transpose2d_pad" -> new ConvTranspose2d(c.intParam("in"), c.intParam("out"),
                    c.intParam("k"), Conv2dParams.of(c.intParam("stride"), c.intParam("pad"), 1, 1), c.intParam("out_pad"), true, g);
            case "linear" -> new Linear(c.intParam("in"), c.intParam("out"), true, g);
            case "group_norm" -> new GroupNorm(c.intParam("groups"), c.intParam("channels"));
            case "batch_norm_train", "batch_norm_eval" -> new BatchNorm2d(c.intParam("channels"));
            case "frozen_bn" -> new FrozenBatchNorm2d(c.intParam("channels"));
            case "max_pool" -> new MaxPool2d(c.intParam("k"), c.intParam("stride"), c.intParam("pad"));
            case "basic_block" -> new BasicBlock(c.intParam("in"), c.intParam("planes"), c.intParam("stride"),
                    downsample(c.intParam("in"), c.intParam("planes") * BasicBlock.EXPANSION, c.intParam("stride"), g),
                    NormKind.BATCH, g);
            case "bottleneck" -> new Bottleneck(c.intParam("in"), c.intParam("planes"), c.intParam("stride"),
                    downsample(c.intParam("in"), c.intParam("planes") * Bottleneck.EXPANSION, c.intParam("stride"), g),
                    NormKind.BATCH, g);
            case "bottleneck_identity" -> new Bottleneck(c.intParam("in"), c.intParam("planes"), 1, null, NormKind.BATCH, g);
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static Sequential downsample(int in, int out, int stride, Generator g) {
        return new Sequential(new Conv2d(in, out, 1, 1, Conv2dParams.of(stride, 0, 1, 1), false, g), new BatchNorm2d(out));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void layerMatchesTorch(Golden.Case c) {
        Layer layer = build(c);
        SeededWeights.fill(layer);
        layer.train(c.boolParam("train", true));
        Variable x = Variable.parameter(c.get("x").copy());
        Variable y = layer.forward(x);
        TensorAssert.assertClose(c.get("y"), y.data(), 1e-5, 1e-5, c + " output");
        y.mul(Variable.of(c.get("r"))).sum().backward();
        TensorAssert.assertClose(c.get("grad/x"), x.grad(), 1e-4, 1e-5, c + " grad x");
        for (Map.Entry<String, Parameter> e : layer.namedParameters().entrySet()) {
            TensorAssert.assertClose(c.get("grad/" + e.getKey()), e.getValue().grad(), 1e-4, 1e-5, c + " grad " + e.getKey());
        }
        for (Map.Entry<String, Buffer> e : layer.namedBuffers().entrySet()) {
            TensorAssert.assertClose(c.get("after/" + e.getKey()), e.getValue().tensor(), 1e-5, 1e-6, c + " " + e.getKey());
        }
    }
}
