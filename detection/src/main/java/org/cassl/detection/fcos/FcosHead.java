package org.cassl.detection.fcos;

import java.util.List;
import org.cassl.autograd.Variable;
import org.cassl.nn.Init;
import org.cassl.nn.Module;
import org.cassl.nn.layers.Conv2d;
import org.cassl.nn.layers.GroupNorm;
import org.cassl.nn.layers.ReLU;
import org.cassl.nn.layers.Sequential;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;
import org.cassl.tensor.TensorException;

/**
 * torchvision's {@code FCOSHead}: {@code classification_head} and {@code regression_head}, shared
 * over all pyramid levels. State-dict keys (under the detector's {@code head.} prefix) are
 * torchvision's: {@code classification_head.conv.0.weight} (conv), {@code classification_head.conv.1.weight}
 * (GroupNorm), ..., {@code classification_head.cls_logits.*}, {@code regression_head.bbox_reg.*},
 * {@code regression_head.bbox_ctrness.*}.
 */
public final class FcosHead extends Module {
    /** GroupNorm groups in the towers (torchvision's {@code partial(nn.GroupNorm, 32)}). */
    public static final int GROUPS = 32;
    /** torchvision's prior probability of the classification bias. */
    public static final double PRIOR = 0.01;

    private final FcosClassificationHead classificationHead;
    private final FcosRegressionHead regressionHead;

    /**
     * @param inChannels channels of the pyramid levels (a multiple of 32)
     * @param numClasses classes K including background index 0
     * @param numConvs   depth of each tower (4)
     * @param gen        source of the initial weights
     */
    public FcosHead(int inChannels, int numClasses, int numConvs, Generator gen) {
        this.classificationHead = registerModule("classification_head",
                new FcosClassificationHead(inChannels, 1, numClasses, numConvs, PRIOR, gen));
        this.regressionHead = registerModule("regression_head", new FcosRegressionHead(inChannels, 1, numConvs, gen));
    }

    public FcosClassificationHead classificationHead() {
        return classificationHead;
    }

    public FcosRegressionHead regressionHead() {
        return regressionHead;
    }

    /** Dense outputs (and the regression tower per level) for pyramid levels {@code [N, C, H_l, W_l]}. */
    public HeadOutputs forward(List<Variable> features) {
        Variable cls = classificationHead.forward(features);
        FcosRegressionHead.Outputs reg = regressionHead.forwardWithTower(features);
        return new HeadOutputs(cls, reg.boxCodes(), reg.ctrLogits(), reg.tower());
    }

    /** numConvs x [conv3x3 -> GroupNorm(32) -> ReLU], convs normal(0.01) with zero bias. */
    static Sequential tower(int channels, int numConvs, Generator gen) {
        if (channels % GROUPS != 0) {
            throw new TensorException("FcosHead: " + channels + " channels cannot form " + GROUPS + " GroupNorm groups");
        }
        Sequential s = new Sequential();
        for (int i = 0; i < numConvs; i++) {
            Conv2d c = conv3x3(channels, channels, gen);
            Init.normal(c.weight().data(), 0, 0.01, gen);
            Init.zeros(c.bias().data());
            s.add(c);
            s.add(new GroupNorm(GROUPS, channels));
            s.add(new ReLU());
        }
        return s;
    }

    static Conv2d conv3x3(int in, int out, Generator gen) {
        return new Conv2d(in, out, 3, 3, Conv2dParams.of(1, 1, 1, 1), true, gen);
    }

    /** {@code [N, A*C, H, W] -> [N, H*W*A, C]}: torchvision's view/permute/reshape. */
    static Variable flattenLevel(Variable x, int perAnchor) {
        int n = x.size(0);
        int h = x.size(2);
        int w = x.size(3);
        int a = x.size(1) / perAnchor;
        return x.reshape(n, a, perAnchor, h, w).permute(0, 3, 4, 1, 2).reshape(n, h * w * a, perAnchor);
    }
}
