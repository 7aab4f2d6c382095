package org.cassl.detection.mask;

import org.cassl.autograd.Variable;
import org.cassl.nn.Init;
import org.cassl.nn.Layer;
import org.cassl.nn.layers.Conv2d;
import org.cassl.nn.layers.ConvTranspose2d;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;

/**
 * torchvision 0.14's {@code MaskRCNNPredictor}: {@code conv5_mask} (ConvTranspose2d k2 s2) ->
 * ReLU -> {@code mask_fcn_logits} (conv1x1 to K classes). Weights kaiming-normal ({@code fan_out},
 * ReLU), biases PyTorch's default init (torchvision leaves them). {@code [R, C, 14, 14] -> [R, K, 28, 28]}.
 */
public final class MaskRcnnPredictor extends Layer {
    private final ConvTranspose2d conv5Mask;
    private final Conv2d maskFcnLogits;

    public MaskRcnnPredictor(int inChannels, int dimReduced, int numClasses, Generator gen) {
        this.conv5Mask = registerModule("conv5_mask", new ConvTranspose2d(inChannels, dimReduced, 2,
                Conv2dParams.of(2, 0, 1, 1), 0, true, gen));
        this.maskFcnLogits = registerModule("mask_fcn_logits", new Conv2d(dimReduced, numClasses, 1, 1,
                Conv2dParams.of(1, 0, 1, 1), true, gen));
        Init.kaimingNormal(conv5Mask.weight().data(), 0, Init.FanMode.FAN_OUT, Init.Nonlinearity.RELU, gen);
        Init.kaimingNormal(maskFcnLogits.weight().data(), 0, Init.FanMode.FAN_OUT, Init.Nonlinearity.RELU, gen);
    }

    @Override
    public Variable forward(Variable x) {
        return maskFcnLogits.forward(conv5Mask.forward(x).relu());
    }

    /**
     * The logits of one class per RoI, {@code [R, 2H, 2W]}: channel {@code labels[r]} of
     * {@link #forward}'s {@code [R, K, 2H, 2W]}, computed as that channel's 1x1 dot products only
     * (the training loss reads no other channel). Equal to {@code forward(x)} gathered at the
     * labels up to float rounding (summation order); gradients reach the same parameters.
     *
     * @param labels {@code [R]} I64 class of each RoI
     */
    public Variable forwardLabels(Variable x, Tensor labels) {
        Variable h = conv5Mask.forward(x).relu();
        int r = h.size(0);
        int c = h.size(1);
        int plane = h.size(2) * h.size(3);
        Variable w = maskFcnLogits.weight().variable().reshape(maskFcnLogits.outChannels(), c).indexSelect(0, labels)
                .reshape(r, 1, c);
        Variable b = maskFcnLogits.bias().variable().indexSelect(0, labels).reshape(r, 1, 1);
        return w.bmm(h.reshape(r, c, plane)).add(b).reshape(r, h.size(2), h.size(3));
    }

    public ConvTranspose2d conv5Mask() {
        return conv5Mask;
    }
}
