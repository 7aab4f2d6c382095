package org.cassl.nn.models;

import org.cassl.autograd.Variable;
import org.cassl.nn.FastInference;
import org.cassl.nn.Layer;
import org.cassl.nn.layers.Conv2d;
import org.cassl.nn.layers.ConvNormFold;
import org.cassl.nn.layers.NormAct;
import org.cassl.nn.layers.Sequential;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;

/**
 * torchvision's ResNet {@code BasicBlock} (expansion 1): {@code conv1} 3x3 (stride), {@code bn1},
 * ReLU, {@code conv2} 3x3, {@code bn2}, plus the identity or {@code downsample(x)}, then ReLU.
 * Inference ({@link FastInference}) folds each norm into its convolution ({@link ConvNormFold}).
 */
public class BasicBlock extends Layer {
    /** Output channels per {@code planes}. */
    public static final int EXPANSION = 1;

    private final Conv2d conv1;
    private final Layer bn1;
    private final Conv2d conv2;
    private final Layer bn2;
    private final Sequential downsample;

    /**
     * @param downsample {@code Sequential(conv1x1, norm)} when the shape changes, else null
     */
    public BasicBlock(int inplanes, int planes, int stride, Sequential downsample, NormKind norm, Generator gen) {
        conv1 = registerModule("conv1", new Conv2d(inplanes, planes, 3, 3, Conv2dParams.of(stride, 1, 1, 1), false, gen));
        bn1 = registerModule("bn1", norm.create(planes));
        conv2 = registerModule("conv2", new Conv2d(planes, planes, 3, 3, Conv2dParams.of(1, 1, 1, 1), false, gen));
        bn2 = registerModule("bn2", norm.create(planes));
        this.downsample = downsample == null ? null : registerModule("downsample", downsample);
    }

    @Override
    public Variable forward(Variable x) {
        if (FastInference.applies(x, this) && ConvNormFold.folds(bn1, bn2)) {
            // inference: each conv with its norm folded in, the residual and ReLUs in conv2's output pass
            Variable identity = downsample == null ? x : ConvNormFold.forward(downsample, x);
            Variable out = ConvNormFold.forward(conv1, bn1, x, null, true);
            return ConvNormFold.forward(conv2, bn2, out, identity, true);
        }
        Variable out = NormAct.forward(bn1, conv1.forward(x), null, true);
        Variable identity = downsample == null ? x : downsample.forward(x);
        return NormAct.forward(bn2, conv2.forward(out), identity, true);
    }
}
