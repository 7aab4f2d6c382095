package org.cassl.detection.kernels;

import org.cassl.tensor.IndexOutOfRangeException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.cpu.Parallel;

/**
 * The sampling pattern of one RoI in RoIAlign, torchvision 0.14's CPU semantics: offset 0.5 when
 * aligned, RoI size clamped to at least 1 only when not aligned, a {@code grid x grid} pattern per
 * bin ({@code samplingRatio}, or {@code ceil(roiSize / pooled)}), bilinear taps that vanish
 * outside {@code [-1, H] x [-1, W]}, clamping at 0 and at the last row/column, and the average
 * over {@code max(gridH * gridW, 1)} samples. For float32 every geometric step is rounded to float
 * where torchvision computes in float.
 *
 * <p>The pattern is separable: one {@link Axis} of rows (per {@code (ph, iy)}) and one of columns
 * (per {@code (pw, ix)}); a sample's four weights are products of the two axes' weights.
 */
final class RoiSampling {
    /** Image of the RoI in the batch. */
    final int batch;
    /** Samples per bin, {@code max(gridH * gridW, 1)}. */
    final double count;
    /** Rows: offsets are multiplied by the row length, so a tap's offset in its plane is {@code ys + xs}. */
    final Axis ys;
    final Axis xs;

    private RoiSampling(int batch, double count, Axis ys, Axis xs) {
        this.batch = batch;
        this.count = count;
        this.ys = ys;
        this.xs = xs;
    }

    /** One axis of one RoI's pattern: {@code bins * grid} samples, {@code k = bin * grid + i}. */
    static final class Axis {
        final int grid;
        /** Offsets (index times stride) of the low and high tap; 0 for a sample outside the map. */
        final int[] low;
        final int[] high;
        /** Weight of the high tap ({@code l}) and of the low tap ({@code h}); 0 for a sample outside the map. */
        final double[] l;
        final double[] h;
        /** The same weights as float (float32 kernels). */
        final float[] lf;
        final float[] hf;
        final boolean[] valid;
        /** Per bin: every sample of the bin lies inside the map. */
        final boolean[] binValid;

        Axis(int bins, int grid) {
            this.grid = grid;
            int n = Math.max(0, bins * grid);
            low = new int[n];
            high = new int[n];
            l = new double[n];
            h = new double[n];
            lf = new float[n];
            hf = new float[n];
            valid = new boolean[n];
            binValid = new boolean[bins];
        }
    }

    private static double round(double v, boolean f32) {
        return f32 ? (double) (float) v : v;
    }

    static RoiSampling of(double[] roi, int r, int batches, int height, int width, int pooledH, int pooledW,
                          double spatialScale, int samplingRatio, boolean aligned, boolean f32) {
        double b = roi[0];
        // torchvision truncates the batch index to int; NaN and out-of-range values are errors here
        int batch = (int) b;
        if (Double.isNaN(b) || b <= -1 || batch >= batches) {
            throw new IndexOutOfRangeException("roi_align: roi " + r + " has batch index " + b + ", valid range [0, "
                    + batches + ")");
        }
        double off = aligned ? 0.5 : 0;
        double startW = round(roi[1] * spatialScale - off, f32);
        double startH = round(roi[2] * spatialScale - off, f32);
        double endW = round(roi[3] * spatialScale - off, f32);
        double endH = round(roi[4] * spatialScale - off, f32);
        double roiW = round(endW - startW, f32);
        double roiH = round(endH - startH, f32);
        if (!aligned) {
            roiW = Math.max(roiW, 1);
            roiH = Math.max(roiH, 1);
        }
        double binH = round(roiH / pooledH, f32);
        double binW = round(roiW / pooledW, f32);
        int gridH = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(binH);
        int gridW = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(binW);
        return new RoiSampling(batch, Math.max(gridH * gridW, 1), axis(startH, binH, pooledH, gridH, height, width, f32),
                axis(startW, binW, pooledW, gridW, width, 1, f32));
    }

    private static Axis axis(double start, double bin, int bins, int grid, int size, int stride, boolean f32) {
        Axis a = new Axis(bins, grid);
        for (int p = 0; p < bins; p++) {
            boolean all = true;
            for (int i = 0; i < grid; i++) {
                int k = p * grid + i;
                double v = round(round(start + round(p * bin, f32), f32) + round(round((i + 0.5) * bin, f32) / grid, f32), f32);
                if (v < -1.0 || v > size) {
                    all = false;
                    continue;
                }
                if (v <= 0) {
                    v = 0;
                }
                int lo = (int) v;
                int hi;
                if (lo >= size - 1) {
                    lo = size - 1;
                    hi = size - 1;
                    v = lo;
                } else {
                    hi = lo + 1;
                }
                double lw = round(v - lo, f32);
                a.low[k] = lo * stride;
                a.high[k] = hi * stride;
                a.l[k] = lw;
                a.h[k] = round(1.0 - lw, f32);
                a.lf[k] = (float) a.l[k];
                a.hf[k] = (float) a.h[k];
                a.valid[k] = true;
            }
            a.binValid[p] = all;
        }
        return a;
    }

    /** The patterns of all RoIs {@code [R, 5]}, built on {@code par}'s threads. */
    static RoiSampling[] of(Parallel par, Tensor rois, int batches, int height, int width, int pooledH, int pooledW,
                            double spatialScale, int samplingRatio, boolean aligned, boolean f32) {
        int nr = rois.size(0);
        Object ra = HostData.array(rois);
        int s0 = rois.stride(0);
        int s1 = rois.stride(1);
        RoiSampling[] gs = new RoiSampling[nr];
        par.forRange(nr, 64, (s, e) -> {
            double[] roi = new double[5];
            for (int r = s; r < e; r++) {
                for (int k = 0; k < 5; k++) {
                    roi[k] = HostData.getD(ra, rois.offset() + r * s0 + k * s1);
                }
                gs[r] = of(roi, r, batches, height, width, pooledH, pooledW, spatialScale, samplingRatio, aligned, f32);
            }
        });
        return gs;
    }
}
