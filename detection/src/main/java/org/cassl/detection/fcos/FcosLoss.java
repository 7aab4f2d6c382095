package org.cassl.detection.fcos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.Functional;
import org.cassl.autograd.LossReduction;
import org.cassl.autograd.Tape;
import org.cassl.autograd.Variable;
import org.cassl.detection.Target;
import org.cassl.detection.box.BoxLinearCoder;
import org.cassl.detection.box.Boxes;
import org.cassl.detection.box.GiouLoss;
import org.cassl.tensor.DType;
import org.cassl.tensor.IndexOutOfRangeException;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;

/**
 * torchvision's {@code FCOSHead.compute_loss}: with {@code num_fg} the number of foreground points
 * in the batch,
 * <ul>
 *   <li>{@code classification} = sigmoid focal loss (alpha 0.25, gamma 2) summed over all points
 *       and classes against one-hot targets (all-zero for background), over {@code max(1, num_fg)};</li>
 *   <li>{@code bbox_regression} = GIoU loss between the decoded predictions and the matched boxes,
 *       summed over foreground points, over {@code max(1, num_fg)};</li>
 *   <li>{@code bbox_ctrness} = BCE-with-logits of the centerness logits against
 *       {@code sqrt(min(l,r)/max(l,r) * min(t,b)/max(t,b))} of the matched box's encoding, summed
 *       over foreground points, over {@code max(1, num_fg)}.</li>
 * </ul>
 */
public final class FcosLoss {
    /** Names of the losses in the returned map, torchvision's keys. */
    public static final String CLASSIFICATION = "classification";
    public static final String BBOX_REGRESSION = "bbox_regression";
    public static final String BBOX_CTRNESS = "bbox_ctrness";

    private final BoxLinearCoder coder = new BoxLinearCoder(true);

    /**
     * The three losses as scalars on the tape, in torchvision's key order.
     *
     * @param outputs head outputs {@code cls [N, P, K]}, {@code reg [N, P, 4]}, {@code ctr [N, P, 1]}
     * @param targets N targets in the coordinates of the (resized) batch
     * @param anchors the batch's anchors ({@code P} points)
     * @param matched N tensors {@code [P]} (I64) of matched box indices, -1 for background
     */
    public Map<String, Variable> compute(HeadOutputs outputs, List<Target> targets, Anchors anchors,
                                         List<Tensor> matched) {
        Variable cls = outputs.clsLogits();
        int n = cls.size(0);
        int p = cls.size(1);
        int k = cls.size(2);
        if (targets.size() != n || matched.size() != n || p != anchors.numPoints()) {
            throw new ShapeMismatchException("FcosLoss: head outputs " + java.util.Arrays.toString(cls.shape()) + " with "
                    + targets.size() + " targets, " + matched.size() + " assignments and " + anchors.numPoints()
                    + " anchors; expected one target and assignment per image and one anchor per point");
        }
        List<Tensor> classes = new ArrayList<>();
        List<Tensor> boxes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Tensor[] t = matchedTargets(targets.get(i), matched.get(i), p, k);
            classes.add(t[0]);
            boxes.add(t[1]);
        }
        Tensor gtClasses = Tensor.stack(classes, 0);
        Tensor gtBoxes = Tensor.stack(boxes, 0).to(cls.dtype());
        Tensor foreground = gtClasses.ge(0);
        long numForeground = (long) foreground.sum().item();
        double normaliser = Math.max(1, numForeground);

        // background points have class -1, which equals no channel: their target row is all zeros
        Tensor classTargets = gtClasses.unsqueeze(2).eq(Tensor.arange(k).to(gtClasses.device())).to(cls.dtype());
        Variable lossCls = SigmoidFocalLoss.sum(cls, classTargets, SigmoidFocalLoss.ALPHA, SigmoidFocalLoss.GAMMA);

        Tensor fgIndex = Boxes.whereTrue(foreground.reshape(-1));
        Variable lossReg;
        Variable lossCtr;
        if (fgIndex.numel() == 0) {
            lossReg = zeroOnTape(outputs.bboxRegression());
            lossCtr = zeroOnTape(outputs.bboxCtrness());
        } else {
            Tensor pointIndex = fgIndex.remainder(p);
            Tensor fgAnchors = anchors.boxes().to(cls.dtype()).indexSelect(0, pointIndex);
            Tensor fgBoxes = gtBoxes.reshape(n * p, 4).indexSelect(0, fgIndex);
            Variable fgCodes = outputs.bboxRegression().reshape(n * p, 4).indexSelect(0, fgIndex);
            Variable predBoxes = coder.decode(fgCodes, fgAnchors);
            lossReg = GiouLoss.sum(predBoxes, fgBoxes, GiouLoss.DEFAULT_EPS);
            Tensor ctrTargets = centernessTargets(coder.encode(fgAnchors, fgBoxes));
            Variable fgCtr = outputs.bboxCtrness().reshape(n * p).indexSelect(0, fgIndex);
            lossCtr = Functional.binaryCrossEntropyWithLogits(fgCtr, Variable.of(ctrTargets), null, null, LossReduction.SUM);
        }
        Map<String, Variable> losses = new LinkedHashMap<>();
        losses.put(CLASSIFICATION, lossCls.div(normaliser));
        losses.put(BBOX_REGRESSION, lossReg.div(normaliser));
        losses.put(BBOX_CTRNESS, lossCtr.div(normaliser));
        return losses;
    }

    /**
     * Per point of one image: class {@code [P]} (I64, -1 for background) and box {@code [P, 4]}
     * of its matched ground truth (zeros when the image has none).
     */
    static Tensor[] matchedTargets(Target target, Tensor matched, int p, int k) {
        if (matched.dim() != 1 || matched.size(0) != p) {
            throw new ShapeMismatchException("FcosLoss: assignment of shape " + java.util.Arrays.toString(matched.shape())
                    + " for " + p + " points");
        }
        Tensor background = matched.lt(0);
        if (target.size() == 0) {
            return new Tensor[] {Tensor.full(-1, DType.I64, matched.device(), p),
                Tensor.zeros(target.boxes().dtype(), matched.device(), p, 4)};
        }
        long[] labels = target.labels().toLongArray();
        for (long label : labels) {
            if (label < 0 || label >= k) {
                throw new IndexOutOfRangeException("FcosLoss: target label " + label + " is outside the " + k
                        + " classes of the head (0.." + (k - 1) + ")");
            }
        }
        Tensor index = matched.clampMin(0);
        Tensor classes = target.labels().indexSelect(0, index);
        classes = Tensor.where(background, Tensor.full(-1, DType.I64, matched.device()), classes);
        Tensor boxes = target.boxes().indexSelect(0, index);
        return new Tensor[] {classes, boxes};
    }

    /** {@code sqrt(min(l,r)/max(l,r) * min(t,b)/max(t,b))} of codes {@code [M, 4]} -> {@code [M]}. */
    static Tensor centernessTargets(Tensor codes) {
        Tensor l = codes.select(1, 0);
        Tensor t = codes.select(1, 1);
        Tensor r = codes.select(1, 2);
        Tensor b = codes.select(1, 3);
        Tensor lr = l.minimum(r).div(l.maximum(r));
        Tensor tb = t.minimum(b).div(t.maximum(b));
        return lr.mul(tb).sqrt();
    }

    /** A zero scalar whose gradient (zeros) reaches {@code x}, like torchvision's sum over no elements. */
    private static Variable zeroOnTape(Variable x) {
        int[] shape = x.shape();
        return Tape.record("sum", Tensor.zeros(x.dtype(), x.device()),
                (g, needs) -> new Tensor[] {Tensor.zeros(g.dtype(), g.device(), shape)}, x);
    }
}
