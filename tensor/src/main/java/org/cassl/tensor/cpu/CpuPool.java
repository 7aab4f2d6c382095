package org.cassl.tensor.cpu;

import org.cassl.tensor.DType;
import org.cassl.tensor.IndexOutOfRangeException;
import org.cassl.tensor.Pool2dParams;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * Max and average pooling, forward and backward, with PyTorch's CPU semantics. Work is split over
 * the {@code N*C} planes; inputs may be any strided views, outputs are contiguous.
 *
 * <ul>
 *   <li>max: taps in padding are skipped; a later tap replaces the running maximum when it is
 *       greater or NaN (so NaN propagates and the last NaN's index is kept), otherwise the first
 *       maximum wins; the index is {@code ih*W + iw} within the plane.</li>
 *   <li>avg: the window is clipped to the padded input to count {@code count_include_pad}
 *       divisors (so windows that ceil mode pushes past the padding count less), and to the input
 *       for the sum and the other divisor.</li>
 * </ul>
 */
final class CpuPool {
    private final Parallel par;

    CpuPool(Parallel par) {
        this.par = par;
    }

    /** Iteration bounds of one output plane's windows along one axis. */
    record Axis(int in, int out, int k, int s, int pad, int dil) {
        int start(int o) {
            return o * s - pad;
        }

        /** First tap index {@code t} with {@code start + t*dil >= 0}. */
        int firstTap(int o) {
            int st = start(o);
            return st >= 0 ? 0 : (-st + dil - 1) / dil;
        }

        /** One past the last tap inside the input. */
        int endTap(int o) {
            int st = start(o);
            return Math.max(0, Math.min(k, st > in - 1 ? 0 : (in - 1 - st) / dil + 1));
        }
    }

    void maxPool(Tensor x, Pool2dParams p, Tensor out, Tensor indices) {
        int c = x.size(1);
        Axis ah = new Axis(x.size(2), out.size(2), p.kernelH(), p.strideH(), p.padH(), p.dilationH());
        Axis aw = new Axis(x.size(3), out.size(3), p.kernelW(), p.strideW(), p.padW(), p.dilationW());
        int[] st = x.strides();
        Object xa = ElementAccess.array(x);
        Object oa = ElementAccess.array(out);
        long[] ia = ((CpuStorage) indices.storage()).i64();
        int plane = ah.out() * aw.out();
        int windowTaps = p.kernelH() * p.kernelW();
        par.forRange(x.size(0) * c, Math.max(1, 65536 / Math.max(1, plane * windowTaps)), (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int xOff = x.offset() + (pl / c) * st[0] + (pl % c) * st[1];
                int oOff = out.offset() + pl * plane;
                int iOff = indices.offset() + pl * plane;
                if (xa instanceof float[]) {
                    maxPlaneF32((float[]) xa, xOff, st[2], st[3], ah, aw, (float[]) oa, oOff, ia, iOff);
                } else {
                    maxPlaneF64((double[]) xa, xOff, st[2], st[3], ah, aw, (double[]) oa, oOff, ia, iOff);
                }
            }
        });
    }

    private static void maxPlaneF32(float[] x, int xOff, int sh, int sw, Axis ah, Axis aw, float[] out, int oOff,
                                    long[] idx, int iOff) {
        // output columns whose whole window is inside the width: lo <= ow < hi (vectorised where sw == 1)
        int lo = 0;
        while (lo < aw.out() && aw.start(lo) < 0) {
            lo++;
        }
        int hi = lo;
        while (hi < aw.out() && aw.start(hi) + (aw.k() - 1) * aw.dil() < aw.in()) {
            hi++;
        }
        int lanes = MaxPoolVector.lanes();
        boolean vector = MaxPoolVector.ENABLED && sw == 1 && hi - lo >= lanes;
        int[] map = vector ? MaxPoolVector.laneOffsets(aw.s()) : null;
        int[] scratch = vector ? new int[lanes] : null;
        int o = 0;
        for (int oh = 0; oh < ah.out(); oh++) {
            int h0 = ah.firstTap(oh);
            int h1 = ah.endTap(oh);
            int vecEnd = vector ? lo + (hi - lo) / lanes * lanes : lo;
            for (int ow = 0; ow < aw.out(); ow++) {
                if (ow == lo && vector) {
                    int ih0 = ah.start(oh) + h0 * ah.dil();
                    int ih1 = ah.start(oh) + Math.max(h0, h1) * ah.dil();
                    for (; ow < vecEnd; ow += lanes, o += lanes) {
                        MaxPoolVector.block(x, xOff, sh, aw.in(), ih0, ih1, ah.dil(), aw.start(ow), aw.s(), aw.k(),
                                aw.dil(), map, out, oOff + o, idx, iOff + o, scratch);
                    }
                    if (ow >= aw.out()) {
                        break;
                    }
                }
                int w0 = aw.firstTap(ow);
                int w1 = aw.endTap(ow);
                int firstH = ah.start(oh) + h0 * ah.dil();
                int firstW = aw.start(ow) + w0 * aw.dil();
                float best = Float.NEGATIVE_INFINITY;
                int bestAt = firstH * aw.in() + firstW;
                for (int th = h0; th < h1; th++) {
                    int ih = ah.start(oh) + th * ah.dil();
                    int row = xOff + ih * sh;
                    for (int tw = w0; tw < w1; tw++) {
                        int iw = aw.start(ow) + tw * aw.dil();
                        float v = x[row + iw * sw];
                        if (v > best || Float.isNaN(v)) {
                            best = v;
                            bestAt = ih * aw.in() + iw;
                        }
                    }
                }
                out[oOff + o] = best;
                idx[iOff + o] = bestAt;
                o++;
            }
        }
    }

    private static void maxPlaneF64(double[] x, int xOff, int sh, int sw, Axis ah, Axis aw, double[] out, int oOff,
                                    long[] idx, int iOff) {
        int o = 0;
        for (int oh = 0; oh < ah.out(); oh++) {
            int h0 = ah.firstTap(oh);
            int h1 = ah.endTap(oh);
            for (int ow = 0; ow < aw.out(); ow++) {
                int w0 = aw.firstTap(ow);
                int w1 = aw.endTap(ow);
                int firstH = ah.start(oh) + h0 * ah.dil();
                int firstW = aw.start(ow) + w0 * aw.dil();
                double best = Double.NEGATIVE_INFINITY;
                int bestAt = firstH * aw.in() + firstW;
                for (int th = h0; th < h1; th++) {
                    int ih = ah.start(oh) + th * ah.dil();
                    int row = xOff + ih * sh;
                    for (int tw = w0; tw < w1; tw++) {
                        int iw = aw.start(ow) + tw * aw.dil();
                        double v = x[row + iw * sw];
                        if (v > best || Double.isNaN(v)) {
                            best = v;
                            bestAt = ih * aw.in() + iw;
                        }
                    }
                }
                out[oOff + o] = best;
                idx[iOff + o] = bestAt;
                o++;
            }
        }
    }

    void maxPoolBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
        int c = gradIn.size(1);
        int inPlane = gradIn.size(2) * gradIn.size(3);
        int oh = gradOut.size(2);
        int ow = gradOut.size(3);
        int[] gs = gradOut.strides();
        int[] is = indices.strides();
        Object ga = ElementAccess.array(gradOut);
        Object da = ElementAccess.array(gradIn);
        long[] ia = ((CpuStorage) indices.storage()).i64();
        par.forRange(gradIn.size(0) * c, Math.max(1, 65536 / Math.max(1, oh * ow)), (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int gOff = gradOut.offset() + (pl / c) * gs[0] + (pl % c) * gs[1];
                int iOff = indices.offset() + (pl / c) * is[0] + (pl % c) * is[1];
                int dOff = gradIn.offset() + pl * inPlane;
                for (int h = 0; h < oh; h++) {
                    for (int w = 0; w < ow; w++) {
                        long at = ia[iOff + h * is[2] + w * is[3]];
                        if (at < 0 || at >= inPlane) {
                            throw new IndexOutOfRangeException("max_pool2d_backward: index " + at + " at output (" + h
                                    + "," + w + ") of plane " + pl + " is outside the input plane of " + inPlane
                                    + " elements");
                        }
                        int g = gOff + h * gs[2] + w * gs[3];
                        if (ga instanceof float[]) {
                            ((float[]) da)[dOff + (int) at] += ((float[]) ga)[g];
                        } else {
                            ((double[]) da)[dOff + (int) at] += ((double[]) ga)[g];
                        }
                    }
                }
            }
        });
    }

    void avgPool(Tensor x, Pool2dParams p, Tensor out) {
        requireNoDilation(p);
        int c = x.size(1);
        Axis ah = new Axis(x.size(2), out.size(2), p.kernelH(), p.strideH(), p.padH(), 1);
        Axis aw = new Axis(x.size(3), out.size(3), p.kernelW(), p.strideW(), p.padW(), 1);
        int[] st = x.strides();
        Object xa = ElementAccess.array(x);
        Object oa = ElementAccess.array(out);
        boolean f32 = x.dtype() == DType.F32;
        int plane = ah.out() * aw.out();
        par.forRange(x.size(0) * c, Math.max(1, 65536 / Math.max(1, plane * p.kernelH() * p.kernelW())), (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int xOff = x.offset() + (pl / c) * st[0] + (pl % c) * st[1];
                int o = out.offset() + pl * plane;
                for (int oh = 0; oh < ah.out(); oh++) {
                    for (int ow = 0; ow < aw.out(); ow++) {
                        int h0 = ah.start(oh);
                        int w0 = aw.start(ow);
                        int h1 = Math.min(h0 + ah.k(), ah.in() + ah.pad());
                        int w1 = Math.min(w0 + aw.k(), aw.in() + aw.pad());
                        int padded = (h1 - h0) * (w1 - w0);
                        h0 = Math.max(h0, 0);
                        w0 = Math.max(w0, 0);
                        h1 = Math.min(h1, ah.in());
                        w1 = Math.min(w1, aw.in());
                        double v = 0;
                        if (h0 < h1 && w0 < w1) {
                            double sum = 0;
                            for (int ih = h0; ih < h1; ih++) {
                                int row = xOff + ih * st[2];
                                for (int iw = w0; iw < w1; iw++) {
                                    sum += f32 ? ((float[]) xa)[row + iw * st[3]] : ((double[]) xa)[row + iw * st[3]];
                                }
                            }
                            v = sum / (p.countIncludePad() ? padded : (h1 - h0) * (w1 - w0));
                        }
                        if (f32) {
                            ((float[]) oa)[o++] = (float) v;
                        } else {
                            ((double[]) oa)[o++] = v;
                        }
                    }
                }
            }
        });
    }

    void avgPoolBackward(Tensor gradOut, Pool2dParams p, Tensor gradIn) {
        requireNoDilation(p);
        int c = gradIn.size(1);
        Axis ah = new Axis(gradIn.size(2), gradOut.size(2), p.kernelH(), p.strideH(), p.padH(), 1);
        Axis aw = new Axis(gradIn.size(3), gradOut.size(3), p.kernelW(), p.strideW(), p.padW(), 1);
        int[] gs = gradOut.strides();
        Object ga = ElementAccess.array(gradOut);
        Object da = ElementAccess.array(gradIn);
        boolean f32 = gradOut.dtype() == DType.F32;
        int inPlane = ah.in() * aw.in();
        par.forRange(gradIn.size(0) * c, Math.max(1, 65536 / Math.max(1, inPlane)), (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int gOff = gradOut.offset() + (pl / c) * gs[0] + (pl % c) * gs[1];
                int d = gradIn.offset() + pl * inPlane;
                for (int oh = 0; oh < ah.out(); oh++) {
                    for (int ow = 0; ow < aw.out(); ow++) {
                        int h0 = ah.start(oh);
                        int w0 = aw.start(ow);
                        int h1 = Math.min(h0 + ah.k(), ah.in() + ah.pad());
                        int w1 = Math.min(w0 + aw.k(), aw.in() + aw.pad());
                        int padded = (h1 - h0) * (w1 - w0);
                        h0 = Math.max(h0, 0);
                        w0 = Math.max(w0, 0);
                        h1 = Math.min(h1, ah.in());
                        w1 = Math.min(w1, aw.in());
                        if (h0 >= h1 || w0 >= w1) {
                            continue;
                        }
                        int g = gOff + oh * gs[2] + ow * gs[3];
                        double grad = f32 ? ((float[]) ga)[g] : ((double[]) ga)[g];
                        double share = grad / (p.countIncludePad() ? padded : (h1 - h0) * (w1 - w0));
                        for (int ih = h0; ih < h1; ih++) {
                            for (int iw = w0; iw < w1; iw++) {
                                if (f32) {
                                    ((float[]) da)[d + ih * aw.in() + iw] += (float) share;
                                } else {
                                    ((double[]) da)[d + ih * aw.in() + iw] += share;
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    private static void requireNoDilation(Pool2dParams p) {
        if (p.dilationH() != 1 || p.dilationW() != 1) {
            throw new TensorException("avg_pool2d: dilation is not supported (PyTorch has none), got (" + p.dilationH()
                    + "," + p.dilationW() + ")");
        }
    }
}
