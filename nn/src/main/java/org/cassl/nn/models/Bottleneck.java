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
 * torchvision's ResNet {@code Bottleneck} (v1.5, expansion 4): {@code conv1} 1x1, {@code conv2}
 * 3x3 carrying the stride, {@code conv3} 1x1 to {@code 4*planes}, each followed by its norm
 * ({@code bn1..bn3}); ReLU after bn1, bn2 and after adding the identity or {@code downsample(x)}.
 * Inference ({@link FastInference}) folds each norm into its convolution ({@link ConvNormFold}).
 */
public class Bottleneck extends Layer {
    /** Output channels per {@code planes}. */
    public static final int EXPANSION = 4;

    private final Conv2d conv1;
    private final Layer bn1;
    private final Conv2d conv2;
    private final Layer bn2;
    private final Conv2d conv3;
    private final Layer bn3;
    private final Sequential downsample;

    public Bottleneck(int inplanes, int planes, int stride, Sequential downsample, NormKind norm, Generator gen) {
        int width = planes;
        conv1 = registerModule("conv1", new Conv2d(inplanes, width, 1, 1, Conv2dParams.defaults(), false, gen));
        bn1 = registerModule("bn1", norm.create(width));
        conv2 = registerModule("conv2", new Conv2d(width, width, 3, 3, Conv2dParams.of(stride, 1, 1, 1), false, gen));
        bn2 = registerModule("bn2", norm.create(width));
        conv3 = registerModule("conv3", new Conv2d(width, planes * EXPANSION, 1, 1, Conv2dParams.defaults(), false, gen));
        bn3 = registerModule("bn3", norm.create(planes * EXPANSION));
        this.downsample = downsample == null ? null : registerModule("downsample", downsample);
    }

    @Override
    public Variable forward(Variable x) {
        if (FastInference.applies(x, this) && ConvNormFold.folds(bn1, bn2, bn3)) {
            // inference: each conv with its norm folded in, the residual and ReLUs in the output passes
            Variable identity = downsample == null ? x : ConvNormFold.forward(downsample, x);
            Variable out = ConvNormFold.forward(conv1, bn1, x, null, true);
            out = ConvNormFold.forward(conv2, bn2, out, null, true);
            return ConvNormFold.forward(conv3, bn3, out, identity, true);
        }
        Variable out = NormAct.forward(bn1, conv1.forward(x), null, true);
        out = NormAct.forward(bn2, conv2.forward(out), null, true);
        Variable identity = downsample == null ? x : downsample.forward(x);
        return NormAct.forward(bn3, conv3.forward(out), identity, true);
    }
}
