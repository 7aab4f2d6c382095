package org.cassl.tensor.cpu;

import java.util.Arrays;

/**
 * The column matrix of a convolution and its adjoint. For one group of one image the column
 * matrix has a row per (channel c, kernel row i, kernel column j) and a column per output pixel
 * (oh, ow) of the output rows {@code [oh0, oh1)}; its entry is the input pixel that kernel tap
 * sees, or 0 in the padding. {@code im2col} builds it (rows in parallel); {@code col2im}
 * scatter-adds a column matrix back into an input plane (channels in parallel, so no two
 * threads write the same pixel). Arrays are {@code float[]} or {@code double[]}.
 */
final class Im2col {
    private Im2col() {
    }

    /** Fills {@code col [cg*kh*kw, (oh1-oh0)*ow]} from the group's input planes at {@code xOff}. */
    static void im2col(Parallel pp, Object x, int xOff, ConvGeometry g, int oh0, int oh1, Object col) {
        int len = (oh1 - oh0) * g.ow();
        int rows = g.colRows();
        pp.forRange(rows, Math.max(1, 16384 / Math.max(len, 1)), (s, e) -> {
            for (int r = s; r < e; r++) {
                if (x instanceof float[]) {
                    rowF32((float[]) x, xOff, g, oh0, oh1, r, (float[]) col, r * len);
                } else {
                    rowF64((double[]) x, xOff, g, oh0, oh1, r, (double[]) col, r * len);
                }
            }
        });
    }

    private static void rowF32(float[] x, int xOff, ConvGeometry g, int oh0, int oh1, int r, float[] col, int dst) {
        int kk = g.kh() * g.kw();
        int c = r / kk;
        int i = (r / g.kw()) % g.kh();
        int j = r % g.kw();
        int lo = g.owLo(j);
        int hi = g.owHi(j);
        int ow = g.ow();
        int sw = g.p().strideW();
        int plane = xOff + c * g.inPlane();
        int colShift = j * g.p().dilationW() - g.p().padW();
        for (int oh = oh0; oh < oh1; oh++) {
            int d = dst + (oh - oh0) * ow;
            int ih = oh * g.p().strideH() - g.p().padH() + i * g.p().dilationH();
            if (ih < 0 || ih >= g.h()) {
                Arrays.fill(col, d, d + ow, 0f);
                continue;
            }
            Arrays.fill(col, d, d + lo, 0f);
            int src = plane + ih * g.w() + lo * sw + colShift;
            if (hi <= lo) {
                // no tap of this kernel column lands inside the row
                Arrays.fill(col, d, d + ow, 0f);
                continue;
            }
            if (sw == 1) {
                System.arraycopy(x, src, col, d + lo, hi - lo);
            } else {
                for (int o = lo; o < hi; o++) {
                    col[d + o] = x[src + (o - lo) * sw];
                }
            }
            Arrays.fill(col, d + hi, d + ow, 0f);
        }
    }

    private static void rowF64(double[] x, int xOff, ConvGeometry g, int oh0, int oh1, int r, double[] col, int dst) {
        int kk = g.kh() * g.kw();
        int c = r / kk;
        int i = (r / g.kw()) % g.kh();
        int j = r % g.kw();
        int lo = g.owLo(j);
        int hi = g.owHi(j);
        int ow = g.ow();
        int sw = g.p().strideW();
        int plane = xOff + c * g.inPlane();
        int colShift = j * g.p().dilationW() - g.p().padW();
        for (int oh = oh0; oh < oh1; oh++) {
            int d = dst + (oh - oh0) * ow;
            int ih = oh * g.p().strideH() - g.p().padH() + i * g.p().dilationH();
            if (ih < 0 || ih >= g.h()) {
                Arrays.fill(col, d, d + ow, 0.0);
                continue;
            }
            Arrays.fill(col, d, d + lo, 0.0);
            int src = plane + ih * g.w() + lo * sw + colShift;
            if (hi <= lo) {
                // no tap of this kernel column lands inside the row
                Arrays.fill(col, d, d + ow, 0.0);
                continue;
            }
            if (sw == 1) {
                System.arraycopy(x, src, col, d + lo, hi - lo);
            } else {
                for (int o = lo; o < hi; o++) {
                    col[d + o] = x[src + (o - lo) * sw];
                }
            }
            Arrays.fill(col, d + hi, d + ow, 0.0);
        }
    }

    /** Adds {@code col [cg*kh*kw, (oh1-oh0)*ow]} into the group's input planes at {@code xOff}. */
    static void col2im(Parallel pp, Object col, ConvGeometry g, int oh0, int oh1, Object x, int xOff) {
        int len = (oh1 - oh0) * g.ow();
        int kk = g.kh() * g.kw();
        pp.forRange(g.cg(), Math.max(1, 16384 / Math.max(len * kk, 1)), (s, e) -> {
            for (int c = s; c < e; c++) {
                for (int t = 0; t < kk; t++) {
                    int r = c * kk + t;
                    if (x instanceof float[]) {
                        addRowF32((float[]) col, r * len, g, oh0, oh1, r, (float[]) x, xOff);
                    } else {
                        addRowF64((double[]) col, r * len, g, oh0, oh1, r, (double[]) x, xOff);
                    }
                }
            }
        });
    }

    private static void addRowF32(float[] col, int src, ConvGeometry g, int oh0, int oh1, int r, float[] x, int xOff) {
        int kk = g.kh() * g.kw();
        int c = r / kk;
        int i = (r / g.kw()) % g.kh();
        int j = r % g.kw();
        int lo = g.owLo(j);
        int hi = g.owHi(j);
        int ow = g.ow();
        int sw = g.p().strideW();
        int plane = xOff + c * g.inPlane();
        int colShift = j * g.p().dilationW() - g.p().padW();
        for (int oh = oh0; oh < oh1; oh++) {
            int ih = oh * g.p().strideH() - g.p().padH() + i * g.p().dilationH();
            if (ih < 0 || ih >= g.h()) {
                continue;
            }
            int s = src + (oh - oh0) * ow;
            int d = plane + ih * g.w() + lo * sw + colShift;
            if (sw == 1) {
                for (int o = lo; o < hi; o++) {
                    x[d + o - lo] += col[s + o];
                }
            } else {
                for (int o = lo; o < hi; o++) {
                    x[d + (o - lo) * sw] += col[s + o];
                }
            }
        }
    }

    private static void addRowF64(double[] col, int src, ConvGeometry g, int oh0, int oh1, int r, double[] x, int xOff) {
        int kk = g.kh() * g.kw();
        int c = r / kk;
        int i = (r / g.kw()) % g.kh();
        int j = r % g.kw();
        int lo = g.owLo(j);
        int hi = g.owHi(j);
        int ow = g.ow();
        int sw = g.p().strideW();
        int plane = xOff + c * g.inPlane();
        int colShift = j * g.p().dilationW() - g.p().padW();
        for (int oh = oh0; oh < oh1; oh++) {
            int ih = oh * g.p().strideH() - g.p().padH() + i * g.p().dilationH();
            if (ih < 0 || ih >= g.h()) {
                continue;
            }
            int s = src + (oh - oh0) * ow;
            int d = plane + ih * g.w() + lo * sw + colShift;
            if (sw == 1) {
                for (int o = lo; o < hi; o++) {
                    x[d + o - lo] += col[s + o];
                }
            } else {
                for (int o = lo; o < hi; o++) {
                    x[d + (o - lo) * sw] += col[s + o];
                }
            }
        }
    }
}
