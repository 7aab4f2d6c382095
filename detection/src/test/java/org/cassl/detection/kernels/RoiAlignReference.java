package org.cassl.detection.kernels;

import org.cassl.tensor.DType;
import org.cassl.tensor.IndexOutOfRangeException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.cpu.Parallel;

/**
 * The RoIAlign kernel as it was before the sampling tables ({@code RoiSampling}) and the
 * fast paths, kept as the serial reference that the new kernel must equal bit for bit: a
 * straight transcription of torchvision 0.14's CPU semantics: offset 0.5 when aligned,
 * RoI size clamped to at least 1 only when not aligned, a {@code grid x grid} sampling pattern per
 * bin ({@code samplingRatio}, or {@code ceil(roiSize / pooled)}), bilinear taps that vanish
 * outside {@code [-1, H] x [-1, W]}, clamping at 0 and at the last row/column, and the average
 * over {@code max(gridH * gridW, 1)} samples. For float32 every geometric step is rounded to
 * float where torchvision computes in float.
 *
 * <p>The sampling pattern is separable: per RoI one table of rows (per {@code (ph, iy)}) and one of
 * columns (per {@code (pw, ix)}), and each sample's weights are products of the two.
 */
final class RoiAlignReference {
    private RoiAlignReference() {
    }

    /** One axis of one RoI's sampling pattern: {@code bins * grid} samples. */
    private static final class Axis {
        final int grid;
        final int[] low;
        final int[] high;
        final double[] l;   // weight of 'high'
        final double[] h;   // weight of 'low'
        final boolean[] valid;

        Axis(int bins, int grid) {
            this.grid = grid;
            int n = Math.max(0, bins * grid);
            low = new int[n];
            high = new int[n];
            l = new double[n];
            h = new double[n];
            valid = new boolean[n];
        }
    }

    /** The sampling geometry of one RoI. */
    private static final class Geometry {
        int batch;
        Axis ys;
        Axis xs;
        double count;
    }

    private static double round(double v, boolean f32) {
        return f32 ? (double) (float) v : v;
    }

    private static Geometry geometry(double[] roi, int r, int batches, int height, int width, int pooledH, int pooledW,
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
        Geometry g = new Geometry();
        g.batch = batch;
        g.count = Math.max(gridH * gridW, 1);
        g.ys = axis(startH, binH, pooledH, gridH, height, f32);
        g.xs = axis(startW, binW, pooledW, gridW, width, f32);
        return g;
    }

    private static Axis axis(double start, double bin, int bins, int grid, int size, boolean f32) {
        Axis a = new Axis(bins, grid);
        for (int p = 0; p < bins; p++) {
            for (int i = 0; i < grid; i++) {
                int k = p * grid + i;
                double v = round(round(start + round(p * bin, f32), f32) + round(round((i + 0.5) * bin, f32) / grid, f32), f32);
                if (v < -1.0 || v > size) {
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
                a.low[k] = lo;
                a.high[k] = hi;
                a.l[k] = lw;
                a.h[k] = round(1.0 - lw, f32);
                a.valid[k] = true;
            }
        }
        return a;
    }

    private static Geometry[] geometries(Parallel par, Tensor rois, int batches, int height, int width, int pooledH,
                                         int pooledW, double spatialScale, int samplingRatio, boolean aligned, boolean f32) {
        int nr = rois.size(0);
        Object ra = HostData.array(rois);
        int s0 = rois.stride(0);
        int s1 = rois.stride(1);
        Geometry[] gs = new Geometry[nr];
        par.forRange(nr, 64, (s, e) -> {
            double[] roi = new double[5];
            for (int r = s; r < e; r++) {
                for (int k = 0; k < 5; k++) {
                    roi[k] = HostData.getD(ra, rois.offset() + r * s0 + k * s1);
                }
                gs[r] = geometry(roi, r, batches, height, width, pooledH, pooledW, spatialScale, samplingRatio, aligned, f32);
            }
        });
        return gs;
    }

    /** {@code input [N,C,H,W]}, {@code rois [R,5]}, contiguous {@code out [R,C,PH,PW]}. */
    static void forward(Parallel par, Tensor input, Tensor rois, double spatialScale, int samplingRatio, boolean aligned,
                        Tensor out) {
        int c = input.size(1);
        int height = input.size(2);
        int width = input.size(3);
        int ph = out.size(2);
        int pw = out.size(3);
        boolean f32 = (input.dtype() == DType.F32);
        Geometry[] gs = geometries(par, rois, input.size(0), height, width, ph, pw, spatialScale, samplingRatio, aligned, f32);
        if (out.numel() == 0 || height == 0 || width == 0) {
            return;
        }
        Tensor in = input.contiguous();
        Object ia = HostData.array(in);
        Object oa = HostData.array(out);
        int plane = height * width;
        int items = gs.length * c;
        par.forRange(items, Math.max(1, 4096 / Math.max(1, ph * pw * 4)), (s, e) -> {
            for (int it = s; it < e; it++) {
                Geometry g = gs[it / c];
                int base = in.offset() + (g.batch * c + it % c) * plane;
                int o = out.offset() + it * ph * pw;
                if (f32) {
                    forwardPlaneF32((float[]) ia, base, width, g, ph, pw, (float[]) oa, o);
                } else {
                    forwardPlaneF64((double[]) ia, base, width, g, ph, pw, (double[]) oa, o);
                }
            }
        });
    }

    private static void forwardPlaneF32(float[] x, int base, int width, Geometry g, int ph, int pw, float[] out, int o) {
        Axis ys = g.ys;
        Axis xs = g.xs;
        float count = (float) g.count;
        for (int py = 0; py < ph; py++) {
            for (int px = 0; px < pw; px++) {
                float acc = 0;
                for (int iy = 0; iy < ys.grid; iy++) {
                    int ky = py * ys.grid + iy;
                    float hy = (float) ys.h[ky];
                    float ly = (float) ys.l[ky];
                    int rl = base + ys.low[ky] * width;
                    int rh = base + ys.high[ky] * width;
                    for (int ix = 0; ix < xs.grid; ix++) {
                        int kx = px * xs.grid + ix;
                        if (!ys.valid[ky] || !xs.valid[kx]) {
                            // torchvision keeps the sample with zero weights at position 0
                            float z = x[base];
                            acc += 0f * z + 0f * z + 0f * z + 0f * z;
                            continue;
                        }
                        float hx = (float) xs.h[kx];
                        float lx = (float) xs.l[kx];
                        acc += hy * hx * x[rl + xs.low[kx]] + hy * lx * x[rl + xs.high[kx]]
                                + ly * hx * x[rh + xs.low[kx]] + ly * lx * x[rh + xs.high[kx]];
                    }
                }
                out[o + py * pw + px] = acc / count;
            }
        }
    }

    private static void forwardPlaneF64(double[] x, int base, int width, Geometry g, int ph, int pw, double[] out, int o) {
        Axis ys = g.ys;
        Axis xs = g.xs;
        for (int py = 0; py < ph; py++) {
            for (int px = 0; px < pw; px++) {
                double acc = 0;
                for (int iy = 0; iy < ys.grid; iy++) {
                    int ky = py * ys.grid + iy;
                    double hy = ys.h[ky];
                    double ly = ys.l[ky];
                    int rl = base + ys.low[ky] * width;
                    int rh = base + ys.high[ky] * width;
                    for (int ix = 0; ix < xs.grid; ix++) {
                        int kx = px * xs.grid + ix;
                        if (!ys.valid[ky] || !xs.valid[kx]) {
                            double z = x[base];
                            acc += 0 * z + 0 * z + 0 * z + 0 * z;
                            continue;
                        }
                        double hx = xs.h[kx];
                        double lx = xs.l[kx];
                        acc += hy * hx * x[rl + xs.low[kx]] + hy * lx * x[rl + xs.high[kx]]
                                + ly * hx * x[rh + xs.low[kx]] + ly * lx * x[rh + xs.high[kx]];
                    }
                }
                out[o + py * pw + px] = acc / g.count;
            }
        }
    }

    /**
     * Adjoint of {@link #forward} into zeroed contiguous {@code gradIn [N,C,H,W]}. Threads own
     * channels (each walks every RoI), so accumulation order per element is fixed.
     */
    static void backward(Parallel par, Tensor gradOut, Tensor rois, double spatialScale, int samplingRatio,
                         boolean aligned, Tensor gradIn) {
        int c = gradIn.size(1);
        int height = gradIn.size(2);
        int width = gradIn.size(3);
        int ph = gradOut.size(2);
        int pw = gradOut.size(3);
        boolean f32 = (gradIn.dtype() == DType.F32);
        Geometry[] gs = geometries(par, rois, gradIn.size(0), height, width, ph, pw, spatialScale, samplingRatio, aligned,
                f32);
        if (gradOut.numel() == 0 || gradIn.numel() == 0) {
            return;
        }
        Tensor go = gradOut.contiguous();
        Object ga = HostData.array(go);
        Object ia = HostData.array(gradIn);
        int plane = height * width;
        par.forRange(c, 1, (s, e) -> {
            for (int ch = s; ch < e; ch++) {
                for (int r = 0; r < gs.length; r++) {
                    Geometry g = gs[r];
                    int base = gradIn.offset() + (g.batch * c + ch) * plane;
                    int gbase = go.offset() + (r * c + ch) * ph * pw;
                    if (f32) {
                        backwardPlaneF32((float[]) ga, gbase, g, ph, pw, (float[]) ia, base, width);
                    } else {
                        backwardPlaneF64((double[]) ga, gbase, g, ph, pw, (double[]) ia, base, width);
                    }
                }
            }
        });
    }

    private static void backwardPlaneF32(float[] gout, int gbase, Geometry g, int ph, int pw, float[] gin, int base,
                                         int width) {
        Axis ys = g.ys;
        Axis xs = g.xs;
        float count = (float) g.count;
        for (int py = 0; py < ph; py++) {
            for (int px = 0; px < pw; px++) {
                float gv = gout[gbase + py * pw + px];
                for (int iy = 0; iy < ys.grid; iy++) {
                    int ky = py * ys.grid + iy;
                    if (!ys.valid[ky]) {
                        continue;
                    }
                    float hy = (float) ys.h[ky];
                    float ly = (float) ys.l[ky];
                    int rl = base + ys.low[ky] * width;
                    int rh = base + ys.high[ky] * width;
                    for (int ix = 0; ix < xs.grid; ix++) {
                        int kx = px * xs.grid + ix;
                        if (!xs.valid[kx]) {
                            continue;
                        }
                        float hx = (float) xs.h[kx];
                        float lx = (float) xs.l[kx];
                        gin[rl + xs.low[kx]] += gv * (hy * hx) / count;
                        gin[rl + xs.high[kx]] += gv * (hy * lx) / count;
                        gin[rh + xs.low[kx]] += gv * (ly * hx) / count;
                        gin[rh + xs.high[kx]] += gv * (ly * lx) / count;
                    }
                }
            }
        }
    }

    private static void backwardPlaneF64(double[] gout, int gbase, Geometry g, int ph, int pw, double[] gin, int base,
                                         int width) {
        Axis ys = g.ys;
        Axis xs = g.xs;
        for (int py = 0; py < ph; py++) {
            for (int px = 0; px < pw; px++) {
                double gv = gout[gbase + py * pw + px];
                for (int iy = 0; iy < ys.grid; iy++) {
                    int ky = py * ys.grid + iy;
                    if (!ys.valid[ky]) {
                        continue;
                    }
                    double hy = ys.h[ky];
                    double ly = ys.l[ky];
                    int rl = base + ys.low[ky] * width;
                    int rh = base + ys.high[ky] * width;
                    for (int ix = 0; ix < xs.grid; ix++) {
                        int kx = px * xs.grid + ix;
                        if (!xs.valid[kx]) {
                            continue;
                        }
                        double hx = xs.h[kx];
                        double lx = xs.l[kx];
                        gin[rl + xs.low[kx]] += gv * (hy * hx) / g.count;
                        gin[rl + xs.high[kx]] += gv * (hy * lx) / g.count;
                        gin[rh + xs.low[kx]] += gv * (ly * hx) / g.count;
                        gin[rh + xs.high[kx]] += gv * (ly * lx) / g.count;
                    }
                }
            }
        }
    }
}
