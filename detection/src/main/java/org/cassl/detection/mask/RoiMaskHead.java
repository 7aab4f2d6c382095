package org.cassl.detection.mask;

import org.cassl.nn.Init;
import org.cassl.nn.layers.Conv2d;
import org.cassl.nn.layers.ReLU;
import org.cassl.nn.layers.Sequential;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;

/**
 * torchvision 0.14's {@code MaskRCNNHeads} without norm layers: {@code n} blocks of
 * [conv3x3 (pad 1, bias) -> ReLU], each block a {@code Conv2dNormActivation}, so the keys are
 * {@code 0.0.weight}, {@code 0.0.bias}, ..., {@code 3.0.bias}. Convs kaiming-normal
 * ({@code fan_out}, ReLU), zero bias. Input {@code [R, F, 14, 14]} -> {@code [R, layers, 14, 14]}.
 */
public final class RoiMaskHead extends Sequential {
    public RoiMaskHead(int inChannels, int layers, int numLayers, Generator gen) {
        int in = inChannels;
        for (int i = 0; i < numLayers; i++) {
            Conv2d c = new Conv2d(in, layers, 3, 3, Conv2dParams.of(1, 1, 1, 1), true, gen);
            Init.kaimingNormal(c.weight().data(), 0, Init.FanMode.FAN_OUT, Init.Nonlinearity.RELU, gen);
            Init.zeros(c.bias().data());
            add(new Sequential(c, new ReLU()));
            in = layers;
        }
    }
}
