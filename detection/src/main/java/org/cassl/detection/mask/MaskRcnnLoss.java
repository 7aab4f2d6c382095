package org.cassl.detection.mask;

import java.util.Arrays;
import java.util.List;
import org.cassl.autograd.Functional;
import org.cassl.autograd.LossReduction;
import org.cassl.autograd.Variable;
import org.cassl.detection.ops.RoiAlign;
import org.cassl.tensor.DType;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;

/**
 * torchvision 0.14's {@code maskrcnn_loss}: the targets are {@code project_masks_on_boxes}, i.e.
 * {@code roi_align(gt_masks[:, None], (matched, box), (M, M), spatial_scale 1)} with the default
 * {@code sampling_ratio=-1} and {@code aligned=False} (soft values in [0, 1], not thresholded, as
 * torchvision does); the loss is the mean BCE-with-logits of each RoI's ground-truth class
 * channel against them.
 */
public final class MaskRcnnLoss {
    private MaskRcnnLoss() {
    }

    /**
     * {@code [R, M, M]} targets of one image.
     *
     * @param gtMasks {@code [G, H, W]} (any dtype; cast to the boxes' floating dtype)
     * @param boxes   {@code [R, 4]} RoIs in the masks' pixels
     * @param matched {@code [R]} I64 ground-truth index of each RoI
     * @param size    M (28)
     */
    public static Tensor projectMasksOnBoxes(Tensor gtMasks, Tensor boxes, Tensor matched, int size) {
        if (boxes.size(0) != matched.numel()) {
            throw new ShapeMismatchException("MaskRcnnLoss: " + boxes.size(0) + " boxes and " + matched.numel()
                    + " matched indices");
        }
        DType dt = boxes.dtype().isFloatingPoint() ? boxes.dtype() : DType.F32;
        Tensor rois = Tensor.cat(List.of(matched.to(dt).reshape(-1, 1), boxes.to(dt)), 1);
        Tensor masks = gtMasks.to(dt).unsqueeze(1);
        return RoiAlign.forward(masks, rois, size, size, 1.0, -1, false).select(1, 0);
    }

    /**
     * The loss over all RoIs of the batch.
     *
     * @param logits  {@code [R, K, M, M]}
     * @param labels  {@code [R]} I64 class of each RoI's ground truth
     * @param targets {@code [R, M, M]} projected masks
     */
    public static Variable loss(Variable logits, Tensor labels, Tensor targets) {
        int r = logits.size(0);
        if (labels.numel() != r || targets.size(0) != r) {
            throw new ShapeMismatchException("MaskRcnnLoss: logits " + Arrays.toString(logits.shape()) + ", "
                    + labels.numel() + " labels, targets " + Arrays.toString(targets.shape()));
        }
        if (r == 0) {
            // torchvision: mask_logits.sum() * 0, a zero that stays on the tape
            return logits.sum().mul(0);
        }
        int m = logits.size(2) * logits.size(3);
        Tensor index = labels.to(DType.I64).reshape(r, 1, 1).expand(r, 1, m).contiguous();
        Variable chosen = logits.reshape(r, logits.size(1), m).gather(1, index).reshape(r, logits.size(2),
                logits.size(3));
        return chosenLoss(chosen, targets);
    }

    /**
     * The loss of logits already reduced to each RoI's ground-truth class ({@code [R, M, M]}, e.g.
     * {@link MaskRcnnPredictor#forwardLabels}): the mean BCE-with-logits against {@code targets
     * [R, M, M]}, as {@link #loss} computes after its gather. {@code R} must be positive.
     */
    public static Variable chosenLoss(Variable chosen, Tensor targets) {
        if (chosen.dim() != 3 || !Arrays.equals(chosen.shape(), targets.shape())) {
            throw new ShapeMismatchException("MaskRcnnLoss: chosen logits " + Arrays.toString(chosen.shape())
                    + " and targets " + Arrays.toString(targets.shape()) + " must both be [R, M, M]");
        }
        return Functional.binaryCrossEntropyWithLogits(chosen, Variable.of(targets.to(chosen.dtype())), null, null,
                LossReduction.MEAN);
    }
}
