package org.cassl.detection.mask;

import java.util.ArrayList;
import java.util.List;
import org.cassl.autograd.Variable;
import org.cassl.detection.ops.RoiAlign;
import org.cassl.tensor.DType;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * torchvision 0.14's {@code MultiScaleRoIAlign} (differentiable in the features): each RoI is
 * pooled with {@code roi_align} ({@code aligned=False}) from one pyramid level chosen by the
 * {@code LevelMapper}: {@code k = floor(4 + log2(sqrt(area) / 224) + 1e-6)} clamped to
 * {@code [k_min, k_max]}, with {@code k_min}, {@code k_max} = {@code -log2} of the first and last
 * level's scale. A level's scale is {@code 2^round(log2(feature_h / max_image_h))}, the image
 * height being the largest resized (unpadded) height of the batch, as torchvision infers it.
 */
public final class MultiScaleRoiAlign {
    public static final double CANONICAL_SCALE = 224;
    public static final double CANONICAL_LEVEL = 4;
    public static final double EPS = 1e-6;

    private final int outputSize;
    private final int samplingRatio;

    public MultiScaleRoiAlign(int outputSize, int samplingRatio) {
        this.outputSize = outputSize;
        this.samplingRatio = samplingRatio;
    }

    /** Mask R-CNN's pooler: 14x14, sampling ratio 2. */
    public static MultiScaleRoiAlign maskRcnn() {
        return new MultiScaleRoiAlign(14, 2);
    }

    /** Per level, {@code 2^round(log2(feature_h / max_h))} (torchvision's {@code _infer_scale}). */
    public static double[] scales(List<Variable> features, List<int[]> imageSizes) {
        int maxH = 0;
        for (int[] s : imageSizes) {
            maxH = Math.max(maxH, s[0]);
        }
        double[] scales = new double[features.size()];
        for (int l = 0; l < scales.length; l++) {
            double approx = (double) features.get(l).size(2) / maxH;
            // torchvision rounds log2 of a float32 value: round half to even like torch.round
            scales[l] = Math.pow(2, Math.rint(Math.log((float) approx) / Math.log(2)));
        }
        return scales;
    }

    /** Level index (0 = first feature map) of each box {@code [R, 4]} for levels {@code kMin..kMax}. */
    public static long[] mapLevels(Tensor boxes, int kMin, int kMax) {
        double[] b = boxes.to(DType.F64).contiguous().toDoubleArray();
        long[] out = new long[b.length / 4];
        for (int r = 0; r < out.length; r++) {
            double area = (b[4 * r + 2] - b[4 * r]) * (b[4 * r + 3] - b[4 * r + 1]);
            double k = Math.floor(CANONICAL_LEVEL + Math.log(Math.sqrt(area) / CANONICAL_SCALE) / Math.log(2) + EPS);
            // NaN (negative area) and -inf (zero area) end at k_min, as torch.clamp of -inf does
            k = Double.isNaN(k) ? kMin : Math.max(kMin, Math.min(kMax, k));
            out[r] = (long) k - kMin;
        }
        return out;
    }

    /**
     * Pooled features {@code [R, C, S, S]}, RoIs in image order.
     *
     * @param features   levels {@code [N, C, H_l, W_l]} (each half the previous)
     * @param boxes      per image {@code [R_i, 4]} (x1, y1, x2, y2) in resized-image pixels
     * @param imageSizes per image {@code {h, w}} of the resized images
     */
    public Variable apply(List<Variable> features, List<Tensor> boxes, List<int[]> imageSizes) {
        if (features.isEmpty() || boxes.size() != features.get(0).size(0) || imageSizes.size() != boxes.size()) {
            throw new ShapeMismatchException("MultiScaleRoiAlign: " + features.size() + " levels, " + boxes.size()
                    + " box sets and " + imageSizes.size() + " image sizes; expected one box set and size per image");
        }
        double[] scales = scales(features, imageSizes);
        int kMin = (int) (float) -(Math.log(scales[0]) / Math.log(2));
        int kMax = (int) (float) -(Math.log(scales[scales.length - 1]) / Math.log(2));
        List<Tensor> rows = new ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            Tensor b = boxes.get(i).to(features.get(0).dtype());
            rows.add(Tensor.cat(List.of(Tensor.full(i, b.dtype(), b.device(), b.size(0), 1), b), 1));
        }
        Tensor rois = Tensor.cat(rows, 0);
        int r = rois.size(0);
        if (r == 0) {
            throw new TensorException("MultiScaleRoiAlign: no RoIs");
        }
        long[] levels = features.size() == 1 ? new long[r] : mapLevels(rois.slice(1, 1, 5), kMin, kMax);
        List<Variable> parts = new ArrayList<>();
        long[] order = new long[r];
        int filled = 0;
        for (int l = 0; l < features.size(); l++) {
            List<Long> idx = new ArrayList<>();
            for (int j = 0; j < r; j++) {
                if (levels[j] == l) {
                    idx.add((long) j);
                }
            }
            if (idx.isEmpty()) {
                continue;
            }
            long[] ix = idx.stream().mapToLong(Long::longValue).toArray();
            Tensor levelRois = rois.indexSelect(0, Tensor.of(ix, ix.length));
            parts.add(RoiAlign.apply(features.get(l), levelRois, outputSize, outputSize, scales[l], samplingRatio,
                    false));
            System.arraycopy(ix, 0, order, filled, ix.length);
            filled += ix.length;
        }
        // rows come grouped by level; put them back in RoI order
        long[] inverse = new long[r];
        for (int j = 0; j < r; j++) {
            inverse[(int) order[j]] = j;
        }
        Variable grouped = parts.size() == 1 ? parts.get(0) : Variable.cat(parts, 0);
        return grouped.indexSelect(0, Tensor.of(inverse, r));
    }

    @Override
    public String toString() {
        return "MultiScaleRoiAlign(output " + outputSize + ", sampling " + samplingRatio + ")";
    }
}
