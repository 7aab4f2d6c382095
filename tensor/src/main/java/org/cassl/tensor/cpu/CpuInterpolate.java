package org.cassl.tensor.cpu;

import org.cassl.tensor.InterpolationMode;
import org.cassl.tensor.Tensor;

/**
 * Nearest and bilinear resizing with PyTorch's coordinate rules, and their adjoints. Both modes
 * run as one two-tap separable kernel ({@link InterpAxis}; nearest has weights 1 and 0 on the
 * same index). Float32 arithmetic follows PyTorch's evaluation order:
 * {@code out = (x00*w0 + x01*w1)*h0 + (x10*w0 + x11*w1)*h1}.
 */
final class CpuInterpolate {
    private static final int GRAIN = 1 << 14;

    private final Parallel par;

    CpuInterpolate(Parallel par) {
        this.par = par;
    }

    private static InterpAxis axis(InterpolationMode mode, int in, int out, boolean alignCorners, double scale, boolean f32) {
        return mode == InterpolationMode.NEAREST ? InterpAxis.nearest(in, out, scale)
                : InterpAxis.linear(in, out, alignCorners, scale, f32);
    }

    /** {@code x [N,C,H,W]} (any strides) resized into contiguous {@code out [N,C,OH,OW]}. */
    void forward(Tensor x, InterpolationMode mode, boolean alignCorners, double scaleH, double scaleW, Tensor out) {
        int n = x.size(0);
        int c = x.size(1);
        int h = x.size(2);
        int w = x.size(3);
        int oh = out.size(2);
        int ow = out.size(3);
        if (out.numel() == 0) {
            return;
        }
        boolean f32 = KernelViews.isF32(x);
        boolean nearest = mode == InterpolationMode.NEAREST;
        InterpAxis ah = axis(mode, h, oh, alignCorners, scaleH, f32);
        InterpAxis aw = axis(mode, w, ow, alignCorners, scaleW, f32);
        int sn = x.stride(0);
        int sc = x.stride(1);
        int sh = x.stride(2);
        int sw = x.stride(3);
        int[] w0 = new int[ow];
        int[] w1 = new int[ow];
        for (int j = 0; j < ow; j++) {
            w0[j] = aw.i0[j] * sw;
            w1[j] = aw.i1[j] * sw;
        }
        int rows = n * c * oh;
        Object xa = ElementAccess.array(x);
        Object oa = ElementAccess.array(out);
        int xoff = x.offset();
        int ooff = out.offset();
        par.forRange(rows, Math.max(1, GRAIN / ow), (s, e) -> {
            for (int r = s; r < e; r++) {
                int plane = r / oh;
                int i = r % oh;
                int base = xoff + (plane / c) * sn + (plane % c) * sc;
                int ra = base + ah.i0[i] * sh;
                int rb = base + ah.i1[i] * sh;
                int o = ooff + r * ow;
                if (nearest) {
                    // a copy, not x*1 + x*0: inf and NaN must pass through unchanged
                    if (xa instanceof float[] xf) {
                        float[] of = (float[]) oa;
                        for (int j = 0; j < ow; j++) {
                            of[o + j] = xf[ra + w0[j]];
                        }
                    } else {
                        double[] xd = (double[]) xa;
                        double[] od = (double[]) oa;
                        for (int j = 0; j < ow; j++) {
                            od[o + j] = xd[ra + w0[j]];
                        }
                    }
                } else if (xa instanceof float[] xf) {
                    float[] of = (float[]) oa;
                    float h0 = ah.w0f[i];
                    float h1 = ah.w1f[i];
                    float[] l0 = aw.w0f;
                    float[] l1 = aw.w1f;
                    for (int j = 0; j < ow; j++) {
                        float t0 = xf[ra + w0[j]] * l0[j] + xf[ra + w1[j]] * l1[j];
                        float t1 = xf[rb + w0[j]] * l0[j] + xf[rb + w1[j]] * l1[j];
                        of[o + j] = t0 * h0 + t1 * h1;
                    }
                } else {
                    double[] xd = (double[]) xa;
                    double[] od = (double[]) oa;
                    double h0 = ah.w0d[i];
                    double h1 = ah.w1d[i];
                    double[] l0 = aw.w0d;
                    double[] l1 = aw.w1d;
                    for (int j = 0; j < ow; j++) {
                        double t0 = xd[ra + w0[j]] * l0[j] + xd[ra + w1[j]] * l1[j];
                        double t1 = xd[rb + w0[j]] * l0[j] + xd[rb + w1[j]] * l1[j];
                        od[o + j] = t0 * h0 + t1 * h1;
                    }
                }
            }
        });
    }

    /**
     * Adjoint of {@link #forward}: scatters {@code gradOut [N,C,OH,OW]} (any strides) into the
     * zeroed contiguous {@code gradIn [N,C,H,W]}; threads own whole planes.
     */
    void backward(Tensor gradOut, InterpolationMode mode, boolean alignCorners, double scaleH, double scaleW,
                  Tensor gradIn) {
        int c = gradIn.size(1);
        int h = gradIn.size(2);
        int w = gradIn.size(3);
        int oh = gradOut.size(2);
        int ow = gradOut.size(3);
        int planes = gradIn.size(0) * c;
        if (gradOut.numel() == 0 || gradIn.numel() == 0) {
            return;
        }
        boolean f32 = KernelViews.isF32(gradIn);
        boolean nearest = mode == InterpolationMode.NEAREST;
        InterpAxis ah = axis(mode, h, oh, alignCorners, scaleH, f32);
        InterpAxis aw = axis(mode, w, ow, alignCorners, scaleW, f32);
        int sn = gradOut.stride(0);
        int sc = gradOut.stride(1);
        int sh = gradOut.stride(2);
        int sw = gradOut.stride(3);
        Object ga = ElementAccess.array(gradOut);
        Object ia = ElementAccess.array(gradIn);
        int goff = gradOut.offset();
        int ioff = gradIn.offset();
        par.forRange(planes, Math.max(1, GRAIN / Math.max(1, oh * ow)), (s, e) -> {
            for (int p = s; p < e; p++) {
                int gbase = goff + (p / c) * sn + (p % c) * sc;
                int ibase = ioff + p * h * w;
                for (int i = 0; i < oh; i++) {
                    int ra = ibase + ah.i0[i] * w;
                    int rb = ibase + ah.i1[i] * w;
                    int g = gbase + i * sh;
                    if (ia instanceof float[] gi) {
                        float[] go = (float[]) ga;
                        if (nearest) {
                            for (int j = 0; j < ow; j++) {
                                gi[ra + aw.i0[j]] += go[g + j * sw];
                            }
                            continue;
                        }
                        float h0 = ah.w0f[i];
                        float h1 = ah.w1f[i];
                        for (int j = 0; j < ow; j++) {
                            float v = go[g + j * sw];
                            float l0 = aw.w0f[j];
                            float l1 = aw.w1f[j];
                            gi[ra + aw.i0[j]] += h0 * l0 * v;
                            gi[ra + aw.i1[j]] += h0 * l1 * v;
                            gi[rb + aw.i0[j]] += h1 * l0 * v;
                            gi[rb + aw.i1[j]] += h1 * l1 * v;
                        }
                    } else {
                        double[] gi = (double[]) ia;
                        double[] go = (double[]) ga;
                        if (nearest) {
                            for (int j = 0; j < ow; j++) {
                                gi[ra + aw.i0[j]] += go[g + j * sw];
                            }
                            continue;
                        }
                        double h0 = ah.w0d[i];
                        double h1 = ah.w1d[i];
                        for (int j = 0; j < ow; j++) {
                            double v = go[g + j * sw];
                            double l0 = aw.w0d[j];
                            double l1 = aw.w1d[j];
                            gi[ra + aw.i0[j]] += h0 * l0 * v;
                            gi[ra + aw.i1[j]] += h0 * l1 * v;
                            gi[rb + aw.i0[j]] += h1 * l0 * v;
                            gi[rb + aw.i1[j]] += h1 * l1 * v;
                        }
                    }
                }
            }
        });
    }
}
