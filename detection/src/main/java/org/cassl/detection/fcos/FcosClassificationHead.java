package org.cassl.detection.fcos;

import java.util.ArrayList;
import java.util.List;
import org.cassl.autograd.GradMode;
import org.cassl.autograd.Variable;
import org.cassl.nn.Init;
import org.cassl.nn.Module;
import org.cassl.nn.layers.Conv2d;
import org.cassl.nn.layers.Sequential;
import org.cassl.tensor.Generator;
import org.cassl.tensor.TensorException;

/**
 * torchvision's {@code FCOSClassificationHead}: a tower {@code conv} of {@code numConvs} x
 * [conv3x3 (bias) -> GroupNorm(32) -> ReLU] (keys {@code conv.0}, {@code conv.1}, {@code conv.3},
 * ...) and {@code cls_logits}, a conv3x3 to {@code A * K} channels. Convs are initialised
 * normal(std 0.01) with zero bias; the logits' bias is {@code -log((1 - prior) / prior)} so every
 * class starts at probability {@code prior}. Shared across pyramid levels.
 */
public final class FcosClassificationHead extends Module {
    private final Sequential conv;
    private final Conv2d clsLogits;
    private final int numClasses;

    /**
     * @param inChannels       channels of every pyramid level
     * @param numAnchors       anchors per location (1 for FCOS)
     * @param numClasses       classes K (torchvision counts background index 0)
     * @param numConvs         depth of the tower
     * @param priorProbability initial class probability (0.01)
     * @param gen              source of the initial weights
     */
    public FcosClassificationHead(int inChannels, int numAnchors, int numClasses, int numConvs, double priorProbability,
                                  Generator gen) {
        if (numClasses < 1 || numAnchors < 1 || !(priorProbability > 0 && priorProbability < 1)) {
            throw new TensorException("FcosClassificationHead: need positive classes and anchors and a prior in (0, 1), got "
                    + numClasses + ", " + numAnchors + ", " + priorProbability);
        }
        this.numClasses = numClasses;
        this.conv = registerModule("conv", FcosHead.tower(inChannels, numConvs, gen));
        this.clsLogits = registerModule("cls_logits", FcosHead.conv3x3(inChannels, numAnchors * numClasses, gen));
        Init.normal(clsLogits.weight().data(), 0, 0.01, gen);
        Init.constant(clsLogits.bias().data(), -Math.log((1 - priorProbability) / priorProbability));
    }

    public int numClasses() {
        return numClasses;
    }

    /** Logits {@code [N, P, K]} for levels {@code [N, C, H_l, W_l]}, levels concatenated, row-major (y, x, anchor). */
    public Variable forward(List<Variable> features) {
        List<Variable> levels = new ArrayList<>();
        if (GradMode.isEnabled()) {
            // level by level: the tape, and so the order gradients accumulate in, stays torchvision's
            for (Variable f : features) {
                levels.add(FcosHead.flattenLevel(clsLogits.forward(conv.forward(f)), numClasses));
            }
        } else {
            // inference: each convolution on all levels at once (small levels side by side)
            for (Variable logits : clsLogits.forwardAll(conv.forwardAll(features))) {
                levels.add(FcosHead.flattenLevel(logits, numClasses));
            }
        }
        return Variable.cat(levels, 1);
    }
}
