package org.cassl.detection.mask;

import java.util.ArrayList;
import java.util.List;
import org.cassl.autograd.Variable;
import org.cassl.detection.Detections;
import org.cassl.detection.Target;
import org.cassl.detection.box.Boxes;
import org.cassl.detection.transform.GeneralizedRcnnTransform;
import org.cassl.nn.Module;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * The Mask R-CNN style mask head on FCOS, registered as {@code roi_heads} with torchvision's
 * children {@code mask_head} ({@link RoiMaskHead}) and {@code mask_predictor}
 * ({@link MaskRcnnPredictor}); RoIs are pooled from P3-P5 by {@link MultiScaleRoiAlign} (14x14,
 * sampling ratio 2).
 *
 * <p>Training ({@link #loss}): per image the RoIs are the ground-truth boxes, then the FCOS
 * detections (best first) whose best-IoU ground truth has IoU >= 0.5 and the same label, at most
 * {@link #MAX_ROIS} in all; each RoI's target is its ground truth's mask projected with
 * {@link MaskRcnnLoss#projectMasksOnBoxes}; the predictor computes only those classes' logits
 * ({@link MaskRcnnPredictor#forwardLabels}) and the loss is {@link MaskRcnnLoss#chosenLoss}.
 * Inference ({@link #masks}): the detection's label channel, sigmoid, pasted with
 * {@link MaskPaster} into the original image.
 */
public final class RoiHeads extends Module {
    /** RoIs per image in training. */
    public static final int MAX_ROIS = 64;
    /** IoU a detection needs with its ground truth to be a training RoI. */
    public static final double IOU_THRESH = 0.5;
    /** Levels pooled from: P3, P4, P5. */
    public static final int NUM_LEVELS = 3;
    /** Mask resolution of the predictor. */
    public static final int MASK_SIZE = 28;

    private final RoiMaskHead maskHead;
    private final MaskRcnnPredictor maskPredictor;
    private final MultiScaleRoiAlign pooler = MultiScaleRoiAlign.maskRcnn();

    /** torchvision's widths: 4 x 256 in the head, 256 in the predictor. */
    public RoiHeads(int inChannels, int numClasses, Generator gen) {
        this(inChannels, 256, 4, 256, numClasses, gen);
    }

    public RoiHeads(int inChannels, int layers, int numLayers, int dimReduced, int numClasses, Generator gen) {
        this.maskHead = registerModule("mask_head", new RoiMaskHead(inChannels, layers, numLayers, gen));
        this.maskPredictor = registerModule("mask_predictor", new MaskRcnnPredictor(layers, dimReduced, numClasses, gen));
    }

    public RoiMaskHead maskHead() {
        return maskHead;
    }

    public MaskRcnnPredictor maskPredictor() {
        return maskPredictor;
    }

    /** Mask logits {@code [R, K, 28, 28]} of RoIs per image (resized-image pixels). */
    public Variable logits(List<Variable> features, List<Tensor> boxes, List<int[]> imageSizes) {
        return maskPredictor.forward(headFeatures(features, boxes, imageSizes));
    }

    /** The mask head's features of the RoIs, {@code [R, C, 14, 14]}: RoIAlign on P3-P5, then the conv stack. */
    private Variable headFeatures(List<Variable> features, List<Tensor> boxes, List<int[]> imageSizes) {
        return maskHead.forward(pooler.apply(features.subList(0, NUM_LEVELS), boxes, imageSizes));
    }

    /**
     * The mask loss of a batch.
     *
     * @param features   pyramid levels, P3 first
     * @param targets    per image, in resized-image coordinates, with masks {@code [G, h, w]}
     * @param detections per image, FCOS detections in resized-image coordinates (may be empty)
     * @param imageSizes per image {@code {h, w}} of the resized images
     */
    public Variable loss(List<Variable> features, List<Target> targets, List<Detections> detections,
                         List<int[]> imageSizes) {
        List<Tensor> roiBoxes = new ArrayList<>();
        List<Tensor> labels = new ArrayList<>();
        List<Tensor> projected = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            if (t.masks() == null) {
                throw new TensorException("RoiHeads: target " + i + " has no masks; the RoI mask head needs instance "
                        + "masks [G, H, W] for every target");
            }
            Tensor[] sel = selectRois(t, detections == null ? null : detections.get(i));
            roiBoxes.add(sel[0]);
            total += sel[0].size(0);
            if (sel[0].size(0) > 0) {
                labels.add(t.labels().indexSelect(0, sel[1]));
                projected.add(MaskRcnnLoss.projectMasksOnBoxes(t.masks(), sel[0].to(features.get(0).dtype()), sel[1],
                        MASK_SIZE));
            }
        }
        if (total == 0) {
            // no RoI in the batch: a zero on the tape that reaches the head's parameters and the features
            Variable zero = maskPredictor.conv5Mask().weight().variable().sum().mul(0);
            for (int l = 0; l < NUM_LEVELS; l++) {
                zero = zero.add(features.get(l).sum().mul(0));
            }
            return zero;
        }
        // only each RoI's ground-truth class channel enters the loss: compute that one alone
        Variable chosen = maskPredictor.forwardLabels(headFeatures(features, roiBoxes, imageSizes), Tensor.cat(labels, 0));
        return MaskRcnnLoss.chosenLoss(chosen, Tensor.cat(projected, 0));
    }

    /** Boxes {@code [R, 4]} and matched gt indices {@code [R]} of one image's training RoIs. */
    static Tensor[] selectRois(Target t, Detections d) {
        int g = t.size();
        if (g == 0) {
            return new Tensor[] {Tensor.zeros(t.boxes().dtype(), 0, 4), Tensor.zeros(DType.I64, 0)};
        }
        List<Tensor> boxes = new ArrayList<>();
        List<Long> matched = new ArrayList<>();
        int keepGt = Math.min(g, MAX_ROIS);
        boxes.add(t.boxes().slice(0, 0, keepGt));
        for (int k = 0; k < keepGt; k++) {
            matched.add((long) k);
        }
        if (d != null && d.size() > 0 && keepGt < MAX_ROIS) {
            Tensor db = d.boxes().to(t.boxes().dtype());
            Tensor iou = Boxes.iou(db, t.boxes());
            var best = iou.max(1, false);
            double[] v = best.values().to(DType.F64).toDoubleArray();
            long[] gi = best.indices().toLongArray();
            long[] gtLabels = t.labels().toLongArray();
            long[] detLabels = d.labels().toLongArray();
            List<Long> keep = new ArrayList<>();
            for (int j = 0; j < v.length && keepGt + keep.size() < MAX_ROIS; j++) {
                if (v[j] >= IOU_THRESH && detLabels[j] == gtLabels[(int) gi[j]]) {
                    keep.add((long) j);
                    matched.add(gi[j]);
                }
            }
            if (!keep.isEmpty()) {
                long[] kx = keep.stream().mapToLong(Long::longValue).toArray();
                boxes.add(db.indexSelect(0, Tensor.of(kx, kx.length)));
            }
        }
        long[] mx = matched.stream().mapToLong(Long::longValue).toArray();
        return new Tensor[] {Tensor.cat(boxes, 0), Tensor.of(mx, mx.length)};
    }

    /**
     * Mask probabilities of detections, per image {@code [D, H_orig, W_orig]}.
     *
     * @param detections    per image, in resized-image coordinates
     * @param imageSizes    resized sizes {@code {h, w}}
     * @param originalSizes original sizes {@code {h, w}}
     */
    public List<Tensor> masks(List<Variable> features, List<Detections> detections, List<int[]> imageSizes,
                              List<int[]> originalSizes) {
        List<Tensor> boxes = new ArrayList<>();
        int total = 0;
        for (Detections d : detections) {
            boxes.add(d.boxes());
            total += d.size();
        }
        List<Tensor> out = new ArrayList<>();
        if (total == 0) {
            for (int[] s : originalSizes) {
                out.add(Tensor.zeros(DType.F32, 0, s[0], s[1]));
            }
            return out;
        }
        Variable logits = logits(features, boxes, imageSizes);
        int r = logits.size(0);
        Tensor labels = Tensor.cat(detections.stream().map(Detections::labels).toList(), 0).to(DType.I64);
        int m = MASK_SIZE * MASK_SIZE;
        Tensor index = labels.reshape(r, 1, 1).expand(r, 1, m).contiguous();
        Tensor probs = logits.data().reshape(r, logits.size(1), m).gather(1, index).reshape(r, 1, MASK_SIZE, MASK_SIZE)
                .sigmoid().to(DType.F32);
        int start = 0;
        for (int i = 0; i < detections.size(); i++) {
            Detections d = detections.get(i);
            int[] s = originalSizes.get(i);
            Tensor origBoxes = GeneralizedRcnnTransform.resizeBoxes(d.boxes(), imageSizes.get(i), s);
            out.add(MaskPaster.paste(probs.narrow(0, start, d.size()), origBoxes, s[0], s[1]));
            start += d.size();
        }
        return out;
    }
}
