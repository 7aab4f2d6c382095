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
                row(x, xOff, g, oh0, oh1, r, col, r * len);
            }
        });
    }

    /**
     * {@link #im2col} of all output rows into columns {@code [colOff, colOff + oh*ow)} of a column
     * matrix whose rows are {@code ld} long (several images or pyramid levels side by side), on the
     * calling thread.
     */
    static void im2colAt(Object x, int xOff, ConvGeometry g, Object col, int ld, int colOff) {
        for (int r = 0; r < g.colRows(); r++) {
            row(x, xOff, g, 0, g.oh(), r, col, r * ld + colOff);
        }
    }

    /** One row of the column matrix: kernel tap {@code r} over output rows {@code [oh0, oh1)}. */
    private static void row(Object x, int xOff, ConvGeometry g, int oh0, int oh1, int r, Object col, int dst) {
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
            if (ih < 0 || ih >= g.h() || hi <= lo) {
                // the row is padding, or no tap of this kernel column lands inside it
                zero(col, d, d + ow);
                continue;
            }
            zero(col, d, d + lo);
            int src = plane + ih * g.w() + lo * sw + colShift;
            if (sw == 1) {
                System.arraycopy(x, src, col, d + lo, hi - lo);
            } else if (x instanceof float[]) {
                float[] xf = (float[]) x;
                float[] cf = (float[]) col;
                for (int o = lo; o < hi; o++) {
                    cf[d + o] = xf[src + (o - lo) * sw];
                }
            } else {
                double[] xd = (double[]) x;
                double[] cd = (double[]) col;
                for (int o = lo; o < hi; o++) {
                    cd[d + o] = xd[src + (o - lo) * sw];
                }
            }
            zero(col, d + hi, d + ow);
        }
    }

    private static void zero(Object a, int from, int to) {
        if (a instanceof float[]) {
            Arrays.fill((float[]) a, from, to, 0f);
        } else {
            Arrays.fill((double[]) a, from, to, 0.0);
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
                    addRow(col, r * len, g, oh0, oh1, r, x, xOff);
                }
            }
        });
    }

    /** Adds row {@code r} of the column matrix (from {@code src}) into the input plane it came from. */
    private static void addRow(Object col, int src, ConvGeometry g, int oh0, int oh1, int r, Object x, int xOff) {
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
            int s = src + (oh - oh0) * ow + lo;
            int d = plane + ih * g.w() + lo * sw + colShift;
            if (x instanceof float[]) {
                addSpan((float[]) col, s, (float[]) x, d, hi - lo, sw);
            } else {
                addSpan((double[]) col, s, (double[]) x, d, hi - lo, sw);
            }
        }
    }

    /** {@code x[d + o*sw] += col[s + o]} for {@code o < n}. */
    private static void addSpan(float[] col, int s, float[] x, int d, int n, int sw) {
        if (sw == 1) {
            for (int o = 0; o < n; o++) {
                x[d + o] += col[s + o];
            }
        } else {
            for (int o = 0; o < n; o++) {
                x[d + o * sw] += col[s + o];
            }
        }
    }

    /** {@code x[d + o*sw] += col[s + o]} for {@code o < n}. */
    private static void addSpan(double[] col, int s, double[] x, int d, int n, int sw) {
        for (int o = 0; o < n; o++) {
            x[d + o * sw] += col[s + o];
        }
    }
}
