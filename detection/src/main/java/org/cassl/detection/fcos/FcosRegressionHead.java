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

/**
 * torchvision's {@code FCOSRegressionHead}: a tower {@code conv} like the classification head's,
 * then {@code bbox_reg} (conv3x3 to {@code 4A}, followed by ReLU, no per-level scale) and
 * {@code bbox_ctrness} (conv3x3 to {@code A}) on the same tower output. All convs normal(std 0.01),
 * zero bias.
 */
public final class FcosRegressionHead extends Module {
    private final Sequential conv;
    private final Conv2d bboxReg;
    private final Conv2d bboxCtrness;

    public FcosRegressionHead(int inChannels, int numAnchors, int numConvs, Generator gen) {
        this.conv = registerModule("conv", FcosHead.tower(inChannels, numConvs, gen));
        this.bboxReg = registerModule("bbox_reg", FcosHead.conv3x3(inChannels, numAnchors * 4, gen));
        this.bboxCtrness = registerModule("bbox_ctrness", FcosHead.conv3x3(inChannels, numAnchors, gen));
        for (Conv2d c : new Conv2d[] {bboxReg, bboxCtrness}) {
            Init.normal(c.weight().data(), 0, 0.01, gen);
            Init.zeros(c.bias().data());
        }
    }

    /** Box codes {@code [N, P, 4]} (non-negative) and centerness logits {@code [N, P, 1]}. */
    public Variable[] forward(List<Variable> features) {
        Outputs o = forwardWithTower(features);
        return new Variable[] {o.boxCodes(), o.ctrLogits()};
    }

    /**
     * The outputs and, per level, the tower output they were computed from.
     *
     * @param boxCodes  {@code [N, P, 4]}
     * @param ctrLogits {@code [N, P, 1]}
     * @param tower     per level {@code [N, F, H_l, W_l]}
     */
    public record Outputs(Variable boxCodes, Variable ctrLogits, List<Variable> tower) {
    }

    /** {@link #forward} keeping the tower outputs (CondInst's controller reads them). */
    public Outputs forwardWithTower(List<Variable> features) {
        List<Variable> reg = new ArrayList<>();
        List<Variable> ctr = new ArrayList<>();
        List<Variable> towers = new ArrayList<>();
        if (GradMode.isEnabled()) {
            // level by level: the tape, and so the order gradients accumulate in, stays torchvision's
            for (Variable f : features) {
                Variable t = conv.forward(f);
                towers.add(t);
                reg.add(FcosHead.flattenLevel(bboxReg.forward(t).relu(), 4));
                ctr.add(FcosHead.flattenLevel(bboxCtrness.forward(t), 1));
            }
        } else {
            // inference: each convolution on all levels at once (small levels side by side)
            towers.addAll(conv.forwardAll(features));
            for (Variable r : bboxReg.forwardAll(towers)) {
                reg.add(FcosHead.flattenLevel(r.relu(), 4));
            }
            for (Variable c : bboxCtrness.forwardAll(towers)) {
                ctr.add(FcosHead.flattenLevel(c, 1));
            }
        }
        return new Outputs(Variable.cat(reg, 1), Variable.cat(ctr, 1), towers);
    }
}
