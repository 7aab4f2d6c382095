package org.cassl.detection.box;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.cassl.detection.kernels.DetectionKernels;
import org.cassl.tensor.DType;
import org.cassl.tensor.DTypeMismatchException;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * Non-maximum suppression with torchvision's semantics: greedy by descending score, a box is
 * suppressed when its IoU with a kept box is strictly above the threshold, IoU without "+1".
 * The greedy pass itself is {@link org.cassl.detection.kernels.DetectionKernels#nms} of the boxes'
 * device (a fused kernel on CUDA); this class validates inputs and builds the class-aware variant
 * on top.
 */
public final class Nms {
    /** Above this many box coordinates (4 per box) the per-class loop replaces the offset trick on the CPU. */
    static final int VANILLA_THRESHOLD_CPU = 4000;
    /** The same switch for accelerator tensors (torchvision's numbers). */
    static final int VANILLA_THRESHOLD_DEVICE = 20000;

    private Nms() {
    }

    private static void checkInputs(String op, Tensor boxes, Tensor scores, double iouThreshold) {
        Boxes.checkBoxes(op, "boxes", boxes);
        if (scores == null || scores.dim() != 1 || scores.size(0) != boxes.size(0)) {
            throw new ShapeMismatchException(op + ": scores must have shape [" + boxes.size(0) + "] to match boxes "
                    + Arrays.toString(boxes.shape()) + ", got " + (scores == null ? "null" : Arrays.toString(scores.shape())));
        }
        if (!boxes.dtype().isFloatingPoint() || boxes.dtype() != scores.dtype()) {
            throw new DTypeMismatchException(op + ": boxes and scores must be floating point of one dtype, got "
                    + boxes.dtype() + " and " + scores.dtype());
        }
        if (Double.isNaN(iouThreshold)) {
            throw new TensorException(op + ": IoU threshold must be a number, got NaN");
        }
    }

    /**
     * Greedy NMS: {@code boxes [N, 4]}, {@code scores [N]} -> kept indices {@code [K]} (I64) in
     * descending score order. Equal scores are visited in the backend's order (unspecified, as
     * in torchvision).
     */
    public static Tensor nms(Tensor boxes, Tensor scores, double iouThreshold) {
        checkInputs("nms", boxes, scores, iouThreshold);
        if (boxes.size(0) == 0) {
            return Tensor.zeros(DType.I64, boxes.device(), 0);
        }
        return DetectionKernels.of(boxes).nms(boxes.contiguous(), scores.contiguous(), iouThreshold);
    }

    /**
     * {@link #nms} over plain arrays, for callers holding boxes outside tensors: {@code xyxy} holds
     * {@code 4 N} coordinates, {@code scores} {@code N}; the kept indices by descending score, at
     * most {@code max} of them.
     */
    public static int[] keep(float[] xyxy, float[] scores, double iouThreshold, int max) {
        int n = scores.length;
        if (xyxy.length != 4 * n) {
            throw new ShapeMismatchException("nms: " + xyxy.length + " box coordinates for " + n + " scores");
        }
        if (n == 0) {
            return new int[0];
        }
        long[] kept = nms(Tensor.of(xyxy, n, 4), Tensor.of(scores, n), iouThreshold).toLongArray();
        int[] out = new int[Math.min(kept.length, Math.max(0, max))];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) kept[i];
        }
        return out;
    }

    /**
     * Class-aware NMS: boxes of different {@code idxs} (I64 category per box, {@code [N]}) never
     * suppress each other. Returns kept indices (I64) by descending score. Like torchvision, small
     * inputs shift every class into its own coordinate range and run one NMS; large inputs run NMS
     * per class and merge (ties in score kept in ascending index order).
     */
    public static Tensor batchedNms(Tensor boxes, Tensor scores, Tensor idxs, double iouThreshold) {
        checkInputs("batched_nms", boxes, scores, iouThreshold);
        if (idxs == null || idxs.dim() != 1 || idxs.size(0) != boxes.size(0)) {
            throw new ShapeMismatchException("batched_nms: idxs must have shape [" + boxes.size(0) + "], got "
                    + (idxs == null ? "null" : Arrays.toString(idxs.shape())));
        }
        if (!idxs.dtype().isIntegral()) {
            throw new DTypeMismatchException("batched_nms: idxs must be an integer tensor, got " + idxs.dtype());
        }
        if (boxes.size(0) == 0) {
            return Tensor.zeros(DType.I64, boxes.device(), 0);
        }
        int threshold = boxes.device().isCpu() ? VANILLA_THRESHOLD_CPU : VANILLA_THRESHOLD_DEVICE;
        if (boxes.numel() > threshold) {
            return perClass(boxes, scores, idxs, iouThreshold);
        }
        return coordinateTrick(boxes, scores, idxs, iouThreshold);
    }

    /** One NMS over boxes offset by {@code idx * (max coordinate + 1)} (torchvision's arithmetic). */
    static Tensor coordinateTrick(Tensor boxes, Tensor scores, Tensor idxs, double iouThreshold) {
        Tensor maxCoordinate = boxes.max();
        Tensor offsets = idxs.to(boxes.dtype()).mul(maxCoordinate.add(1));
        Tensor shifted = boxes.add(offsets.unsqueeze(1));
        return nms(shifted, scores, iouThreshold);
    }

    /** NMS per class, then the union of kept boxes sorted by descending score (stable). */
    static Tensor perClass(Tensor boxes, Tensor scores, Tensor idxs, double iouThreshold) {
        long[] labels = idxs.toLongArray();
        TreeMap<Long, List<Integer>> members = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            members.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
        }
        boolean[] keep = new boolean[labels.length];
        int keptCount = 0;
        for (List<Integer> m : members.values()) {
            Tensor index = Tensor.of(m.stream().mapToLong(Integer::longValue).toArray(), m.size()).to(boxes.device());
            long[] kept = nms(boxes.indexSelect(0, index), scores.indexSelect(0, index), iouThreshold).toLongArray();
            for (long k : kept) {
                keep[m.get((int) k)] = true;
                keptCount++;
            }
        }
        long[] keptIdx = new long[keptCount];
        int n = 0;
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                keptIdx[n++] = i;
            }
        }
        Tensor kept = Tensor.of(keptIdx, keptIdx.length).to(boxes.device());
        Tensor order = scores.indexSelect(0, kept).sort(0, true).indices();
        return kept.indexSelect(0, order);
    }
}
