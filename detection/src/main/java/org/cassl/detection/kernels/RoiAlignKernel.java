package org.cassl.detection.kernels;

import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.cpu.Parallel;

/**
 * RoIAlign forward and backward on the CPU with torchvision 0.14's semantics (the sampling pattern
 * is {@link RoiSampling}'s) and its arithmetic, operation for operation: a sample adds
 * {@code w1*v1 + w2*v2 + w3*v3 + w4*v4} ({@code w1 = hy*hx}, ...) to its bin, the bin is divided
 * by the sample count, and the backward adds {@code g*w/count} to each tap. A sample outside the
 * map has zero weights on the plane's first element in the forward (so a NaN or infinity there
 * reaches the bin, as in torchvision) and is skipped in the backward; bins whose samples are all
 * inside take a path without those checks. Where the count is a power of two the backward
 * multiplies by its inverse, which rounds exactly like the division.
 *
 * <p>Threads: the forward splits (RoI, channel) planes, consecutive ones sharing a RoI's pattern;
 * the backward gives each thread a block of channels, walked RoI by RoI in RoI order, so every
 * element of the gradient accumulates its taps in the same order whatever the thread count.
 */
final class RoiAlignKernel {
    private RoiAlignKernel() {
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
        RoiSampling[] gs = RoiSampling.of(par, rois, input.size(0), height, width, ph, pw, spatialScale, samplingRatio,
                aligned, f32);
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
                RoiSampling g = gs[it / c];
                int base = in.offset() + (g.batch * c + it % c) * plane;
                int o = out.offset() + it * ph * pw;
                if (f32) {
                    forwardPlaneF32((float[]) ia, base, g, ph, pw, (float[]) oa, o);
                } else {
                    forwardPlaneF64((double[]) ia, base, g, ph, pw, (double[]) oa, o);
                }
            }
        });
    }

    private static void forwardPlaneF32(float[] x, int base, RoiSampling g, int ph, int pw, float[] out, int o) {
        RoiSampling.Axis ys = g.ys;
        RoiSampling.Axis xs = g.xs;
        int gh = ys.grid;
        int gw = xs.grid;
        int[] ylo = ys.low;
        int[] yhi = ys.high;
        int[] xlo = xs.low;
        int[] xhi = xs.high;
        float[] yh = ys.hf;
        float[] yl = ys.lf;
        float[] xh = xs.hf;
        float[] xl = xs.lf;
        float count = (float) g.count;
        for (int py = 0; py < ph; py++) {
            boolean rowInside = ys.binValid[py];
            for (int px = 0; px < pw; px++) {
                float acc = 0;
                if (rowInside && xs.binValid[px]) {
                    for (int iy = 0; iy < gh; iy++) {
                        int ky = py * gh + iy;
                        float hy = yh[ky];
                        float ly = yl[ky];
                        int rl = base + ylo[ky];
                        int rh = base + yhi[ky];
                        for (int ix = 0; ix < gw; ix++) {
                            int kx = px * gw + ix;
                            float hx = xh[kx];
                            float lx = xl[kx];
                            int cl = xlo[kx];
                            int ch = xhi[kx];
                            acc += hy * hx * x[rl + cl] + hy * lx * x[rl + ch] + ly * hx * x[rh + cl] + ly * lx * x[rh + ch];
                        }
                    }
                } else {
                    acc = edgeBinF32(x, base, ys, xs, py, px);
                }
                out[o + py * pw + px] = acc / count;
            }
        }
    }

    /** A bin with samples outside the map: those add zero-weighted taps on the plane's first element. */
    private static float edgeBinF32(float[] x, int base, RoiSampling.Axis ys, RoiSampling.Axis xs, int py, int px) {
        float acc = 0;
        for (int iy = 0; iy < ys.grid; iy++) {
            int ky = py * ys.grid + iy;
            float hy = ys.hf[ky];
            float ly = ys.lf[ky];
            int rl = base + ys.low[ky];
            int rh = base + ys.high[ky];
            for (int ix = 0; ix < xs.grid; ix++) {
                int kx = px * xs.grid + ix;
                if (!ys.valid[ky] || !xs.valid[kx]) {
                    float z = x[base];
                    acc += 0f * z + 0f * z + 0f * z + 0f * z;
                    continue;
                }
                float hx = xs.hf[kx];
                float lx = xs.lf[kx];
                acc += hy * hx * x[rl + xs.low[kx]] + hy * lx * x[rl + xs.high[kx]]
                        + ly * hx * x[rh + xs.low[kx]] + ly * lx * x[rh + xs.high[kx]];
            }
        }
        return acc;
    }

    private static void forwardPlaneF64(double[] x, int base, RoiSampling g, int ph, int pw, double[] out, int o) {
        RoiSampling.Axis ys = g.ys;
        RoiSampling.Axis xs = g.xs;
        for (int py = 0; py < ph; py++) {
            for (int px = 0; px < pw; px++) {
                double acc = 0;
                for (int iy = 0; iy < ys.grid; iy++) {
                    int ky = py * ys.grid + iy;
                    double hy = ys.h[ky];
                    double ly = ys.l[ky];
                    int rl = base + ys.low[ky];
                    int rh = base + ys.high[ky];
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
     * blocks of channels and walk the RoIs in order (each RoI's pattern then serves the whole
     * block), so the accumulation order per element is fixed.
     */
    static void backward(Parallel par, Tensor gradOut, Tensor rois, double spatialScale, int samplingRatio,
                         boolean aligned, Tensor gradIn) {
        int c = gradIn.size(1);
        int height = gradIn.size(2);
        int width = gradIn.size(3);
        int ph = gradOut.size(2);
        int pw = gradOut.size(3);
        boolean f32 = (gradIn.dtype() == DType.F32);
        RoiSampling[] gs = RoiSampling.of(par, rois, gradIn.size(0), height, width, ph, pw, spatialScale, samplingRatio,
                aligned, f32);
        if (gradOut.numel() == 0 || gradIn.numel() == 0) {
            return;
        }
        Tensor go = gradOut.contiguous();
        Object ga = HostData.array(go);
        Object ia = HostData.array(gradIn);
        int plane = height * width;
        par.forRange(c, 1, (s, e) -> {
            for (int r = 0; r < gs.length; r++) {
                RoiSampling g = gs[r];
                for (int ch = s; ch < e; ch++) {
                    int base = gradIn.offset() + (g.batch * c + ch) * plane;
                    int gbase = go.offset() + (r * c + ch) * ph * pw;
                    if (f32) {
                        backwardPlaneF32((float[]) ga, gbase, g, ph, pw, (float[]) ia, base);
                    } else {
                        backwardPlaneF64((double[]) ga, gbase, g, ph, pw, (double[]) ia, base);
                    }
                }
            }
        });
    }

    /** Whether {@code v} is a power of two, so that {@code x / v == x * (1 / v)} for every float x. */
    static boolean powerOfTwo(float v) {
        return v > 0 && Float.isFinite(v) && Float.isFinite(1f / v) && v == Math.scalb(1f, Math.getExponent(v));
    }

    private static void backwardPlaneF32(float[] gout, int gbase, RoiSampling g, int ph, int pw, float[] gin, int base) {
        RoiSampling.Axis ys = g.ys;
        RoiSampling.Axis xs = g.xs;
        int gh = ys.grid;
        int gw = xs.grid;
        int[] ylo = ys.low;
        int[] yhi = ys.high;
        int[] xlo = xs.low;
        int[] xhi = xs.high;
        float[] yh = ys.hf;
        float[] yl = ys.lf;
        float[] xh = xs.hf;
        float[] xl = xs.lf;
        float count = (float) g.count;
        if (!powerOfTwo(count)) {
            backwardDividingF32(gout, gbase, g, ph, pw, gin, base);
            return;
        }
        float inv = 1f / count;
        for (int py = 0; py < ph; py++) {
            boolean rowInside = ys.binValid[py];
            for (int px = 0; px < pw; px++) {
                float gv = gout[gbase + py * pw + px];
                boolean inside = rowInside && xs.binValid[px];
                for (int iy = 0; iy < gh; iy++) {
                    int ky = py * gh + iy;
                    if (!inside && !ys.valid[ky]) {
                        continue;
                    }
                    float hy = yh[ky];
                    float ly = yl[ky];
                    int rl = base + ylo[ky];
                    int rh = base + yhi[ky];
                    for (int ix = 0; ix < gw; ix++) {
                        int kx = px * gw + ix;
                        if (!inside && !xs.valid[kx]) {
                            continue;
                        }
                        float hx = xh[kx];
                        float lx = xl[kx];
                        int cl = xlo[kx];
                        int ch = xhi[kx];
                        gin[rl + cl] += gv * (hy * hx) * inv;
                        gin[rl + ch] += gv * (hy * lx) * inv;
                        gin[rh + cl] += gv * (ly * hx) * inv;
                        gin[rh + ch] += gv * (ly * lx) * inv;
                    }
                }
            }
        }
    }

    private static void backwardDividingF32(float[] gout, int gbase, RoiSampling g, int ph, int pw, float[] gin, int base) {
        RoiSampling.Axis ys = g.ys;
        RoiSampling.Axis xs = g.xs;
        float count = (float) g.count;
        for (int py = 0; py < ph; py++) {
            for (int px = 0; px < pw; px++) {
                float gv = gout[gbase + py * pw + px];
                for (int iy = 0; iy < ys.grid; iy++) {
                    int ky = py * ys.grid + iy;
                    if (!ys.valid[ky]) {
                        continue;
                    }
                    float hy = ys.hf[ky];
                    float ly = ys.lf[ky];
                    int rl = base + ys.low[ky];
                    int rh = base + ys.high[ky];
                    for (int ix = 0; ix < xs.grid; ix++) {
                        int kx = px * xs.grid + ix;
                        if (!xs.valid[kx]) {
                            continue;
                        }
                        float hx = xs.hf[kx];
                        float lx = xs.lf[kx];
                        gin[rl + xs.low[kx]] += gv * (hy * hx) / count;
                        gin[rl + xs.high[kx]] += gv * (hy * lx) / count;
                        gin[rh + xs.low[kx]] += gv * (ly * hx) / count;
                        gin[rh + xs.high[kx]] += gv * (ly * lx) / count;
                    }
                }
            }
        }
    }

    private static void backwardPlaneF64(double[] gout, int gbase, RoiSampling g, int ph, int pw, double[] gin, int base) {
        RoiSampling.Axis ys = g.ys;
        RoiSampling.Axis xs = g.xs;
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
                    int rl = base + ys.low[ky];
                    int rh = base + ys.high[ky];
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
