package org.cassl.tensor.cpu;

import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;

/**
 * 2-D convolution forward and both backward passes on top of {@link CpuGemm}, per (image, group):
 * <pre>
 *   forward         out[K_g, OH*OW]   = W[K_g, C_g*kh*kw] x col[C_g*kh*kw, OH*OW]  (+ bias)
 *   backward input  col              = W^T x gradOut,  then col2im adds col into gradIn
 *   backward weight gradW[K_g, C_g*kh*kw] += gradOut x col^T   (summed over images)
 * </pre>
 * where col is the {@link Im2col} matrix of the input. A 1x1, stride-1, unpadded kernel uses the
 * input planes as col directly. Column matrices are built for a band of output rows at a time
 * so their buffers stay under {@link #COL_BUDGET_BYTES} in total.
 *
 * <p>Threads: when there are enough independent (image, group) units each thread takes whole
 * units with single-threaded GEMMs; otherwise units run one after the other and im2col/col2im and
 * the GEMM inside each use all threads. The weight gradient is parallel over groups only (units
 * of one group accumulate into the same gradient).
 */
final class CpuConv {
    /** Upper bound of all column buffers together. */
    static final long COL_BUDGET_BYTES = 64L << 20;
    /** Units below this many multiply-adds are always spread over threads whole. */
    private static final long SMALL_UNIT_FMAS = 1L << 22;

    private final Parallel par;
    private final CpuGemm gemm;
    private final long colBudgetBytes;

    CpuConv(Parallel par, CpuGemm gemm) {
        this(par, gemm, COL_BUDGET_BYTES);
    }

    /** With a custom column-buffer budget (tests use a tiny one to exercise the row bands). */
    CpuConv(Parallel par, CpuGemm gemm, long colBudgetBytes) {
        this.par = par;
        this.gemm = gemm;
        this.colBudgetBytes = colBudgetBytes;
    }

    void forward(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor out) {
        Tensor xc = dense(x);
        Tensor wc = dense(w);
        ConvGeometry g = ConvGeometry.of(x.shape(), w.shape(), p);
        boolean f32 = x.dtype() == DType.F32;
        Object xa = array(xc);
        Object wa = array(wc);
        Object oa = array(out);
        double[] b = bias == null ? null : bias.to(DType.F64).contiguous().toDoubleArray();
        long unitFmas = (long) g.kg() * g.colRows() * g.outPlane();
        forUnits(g.n() * g.groups(), unitFmas, (pp, u) -> {
            int img = u / g.groups();
            int grp = u % g.groups();
            int xOff = xc.offset() + (img * g.groups() + grp) * g.cg() * g.inPlane();
            int oOff = out.offset() + (img * g.groups() + grp) * g.kg() * g.outPlane();
            int wOff = wc.offset() + grp * g.kg() * g.colRows();
            double beta = 0;
            if (b != null) {
                fillBias(oa, oOff, b, grp * g.kg(), g.kg(), g.outPlane());
                beta = 1;
            }
            if (g.pointwise()) {
                gemm(pp, f32, g.kg(), g.outPlane(), g.cg(), wa, wOff, g.cg(), 1, xa, xOff, g.inPlane(), 1, beta, oa, oOff,
                        g.outPlane());
                return;
            }
            int band = bandRows(g, pp, f32);
            Object col = Workspace.get(f32, g.colRows() * band * g.ow());
            for (int oh0 = 0; oh0 < g.oh(); oh0 += band) {
                int oh1 = Math.min(g.oh(), oh0 + band);
                int len = (oh1 - oh0) * g.ow();
                Im2col.im2col(pp, xa, xOff, g, oh0, oh1, col);
                gemm(pp, f32, g.kg(), len, g.colRows(), wa, wOff, g.colRows(), 1, col, 0, len, 1, beta, oa,
                        oOff + oh0 * g.ow(), g.outPlane());
            }
        });
    }

    void backwardInput(Tensor gradOut, Tensor w, Conv2dParams p, Tensor gradIn) {
        Tensor gc = dense(gradOut);
        Tensor wc = dense(w);
        ConvGeometry g = ConvGeometry.of(gradIn.shape(), w.shape(), p);
        boolean f32 = gradOut.dtype() == DType.F32;
        Object ga = array(gc);
        Object wa = array(wc);
        Object ia = array(gradIn);
        long unitFmas = (long) g.kg() * g.colRows() * g.outPlane();
        forUnits(g.n() * g.groups(), unitFmas, (pp, u) -> {
            int img = u / g.groups();
            int grp = u % g.groups();
            int iOff = gradIn.offset() + (img * g.groups() + grp) * g.cg() * g.inPlane();
            int gOff = gc.offset() + (img * g.groups() + grp) * g.kg() * g.outPlane();
            int wOff = wc.offset() + grp * g.kg() * g.colRows();
            // A = W^T: W is [kg, colRows] row-major, so A(i,p) = W(p,i)
            if (g.pointwise()) {
                gemm(pp, f32, g.cg(), g.inPlane(), g.kg(), wa, wOff, 1, g.cg(), ga, gOff, g.outPlane(), 1, 0, ia, iOff,
                        g.inPlane());
                return;
            }
            int band = bandRows(g, pp, f32);
            Object col = Workspace.get(f32, g.colRows() * band * g.ow());
            for (int oh0 = 0; oh0 < g.oh(); oh0 += band) {
                int oh1 = Math.min(g.oh(), oh0 + band);
                int len = (oh1 - oh0) * g.ow();
                gemm(pp, f32, g.colRows(), len, g.kg(), wa, wOff, 1, g.colRows(), ga, gOff + oh0 * g.ow(), g.outPlane(), 1,
                        0, col, 0, len);
                Im2col.col2im(pp, col, g, oh0, oh1, ia, iOff);
            }
        });
    }

    void backwardWeight(Tensor gradOut, Tensor x, Conv2dParams p, Tensor gradW) {
        Tensor gc = dense(gradOut);
        Tensor xc = dense(x);
        ConvGeometry g = ConvGeometry.of(x.shape(), gradW.shape(), p);
        boolean f32 = x.dtype() == DType.F32;
        Object ga = array(gc);
        Object xa = array(xc);
        Object wa = array(gradW);
        long unitFmas = (long) g.n() * g.kg() * g.colRows() * g.outPlane();
        forUnits(g.groups(), unitFmas, (pp, grp) -> {
            int wOff = gradW.offset() + grp * g.kg() * g.colRows();
            int band = g.pointwise() ? g.oh() : bandRows(g, pp, f32);
            Object col = g.pointwise() ? null : Workspace.get(f32, g.colRows() * band * g.ow());
            for (int img = 0; img < g.n(); img++) {
                int xOff = xc.offset() + (img * g.groups() + grp) * g.cg() * g.inPlane();
                int gOff = gc.offset() + (img * g.groups() + grp) * g.kg() * g.outPlane();
                if (g.pointwise()) {
                    // B = x^T: B(p,j) = x[j*HW + p]
                    gemm(pp, f32, g.kg(), g.cg(), g.outPlane(), ga, gOff, g.outPlane(), 1, xa, xOff, 1, g.inPlane(), 1, wa,
                            wOff, g.cg());
                    continue;
                }
                for (int oh0 = 0; oh0 < g.oh(); oh0 += band) {
                    int oh1 = Math.min(g.oh(), oh0 + band);
                    int len = (oh1 - oh0) * g.ow();
                    Im2col.im2col(pp, xa, xOff, g, oh0, oh1, col);
                    // B = col^T: B(p,j) = col[j*len + p]
                    gemm(pp, f32, g.kg(), g.colRows(), len, ga, gOff + oh0 * g.ow(), g.outPlane(), 1, col, 0, 1, len, 1,
                            wa, wOff, g.colRows());
                }
            }
        });
    }

    /** One independent piece of work, told which pool its inner loops may use. */
    @FunctionalInterface
    private interface Unit {
        void run(Parallel pp, int index);
    }

    /** Runs units whole on separate threads when that balances, else one by one with parallel insides. */
    private void forUnits(int units, long unitFmas, Unit body) {
        int t = par.threads();
        boolean outer = t > 1 && units >= t && (units % t == 0 || units >= 4 * t || unitFmas < SMALL_UNIT_FMAS);
        if (outer) {
            par.forRange(units, 1, (s, e) -> {
                for (int u = s; u < e; u++) {
                    body.run(CpuGemm.SERIAL, u);
                }
            });
        } else {
            for (int u = 0; u < units; u++) {
                body.run(par, u);
            }
        }
    }

    /** Output rows per column band so that every thread's buffer fits its share of the budget. */
    private int bandRows(ConvGeometry g, Parallel pp, boolean f32) {
        long share = colBudgetBytes / (pp == par ? 1 : par.threads());
        long perRow = (long) g.colRows() * g.ow() * (f32 ? 4 : 8);
        return (int) Math.max(1, Math.min(g.oh(), share / Math.max(perRow, 1)));
    }

    private void gemm(Parallel pp, boolean f32, int m, int n, int k, Object a, int aOff, int ars, int acs, Object b,
                      int bOff, int brs, int bcs, double beta, Object c, int cOff, int ldc) {
        if (f32) {
            gemm.gemmF32(pp, m, n, k, 1f, (float[]) a, aOff, ars, acs, (float[]) b, bOff, brs, bcs, (float) beta,
                    (float[]) c, cOff, ldc);
        } else {
            gemm.gemmF64(pp, m, n, k, 1.0, (double[]) a, aOff, ars, acs, (double[]) b, bOff, brs, bcs, beta,
                    (double[]) c, cOff, ldc);
        }
    }

    private static void fillBias(Object out, int off, double[] bias, int b0, int channels, int plane) {
        for (int k = 0; k < channels; k++) {
            int s = off + k * plane;
            if (out instanceof float[]) {
                java.util.Arrays.fill((float[]) out, s, s + plane, (float) bias[b0 + k]);
            } else {
                java.util.Arrays.fill((double[]) out, s, s + plane, bias[b0 + k]);
            }
        }
    }

    private static Tensor dense(Tensor t) {
        return t.isContiguous() ? t : t.contiguous();
    }

    private static Object array(Tensor t) {
        return ((CpuStorage) t.storage()).array();
    }
}
