package org.cassl.tensor.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.cassl.tensor.Conv2dFusion;
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
 * so their buffers stay under {@link #COL_BUDGET_BYTES} in total. The inference variant
 * ({@link #forwardFused}) scales W's rows while packing them (a folded batch norm) and finishes
 * each band with a {@link ConvEpilogue} (bias, residual, ReLU) while it is in cache.
 *
 * <p>Threads: the forward pass cuts every (image, group) into bands of output rows, independent
 * items that the threads take one at a time with single-threaded GEMMs (so a thread slowed down
 * by other load on the machine simply does fewer). The input gradient's bands overlap in the
 * input, so it hands out whole (image, group) units that way when there are enough of them, and
 * otherwise runs units one after the other with im2col/col2im and the GEMM inside each using all
 * threads. The weight gradient is parallel over groups, or else inside the GEMM: all images of a
 * group accumulate into one gradient, always in the same order, so results are deterministic.
 */
final class CpuConv {
    /** Upper bound of all column buffers together. */
    static final long COL_BUDGET_BYTES = 64L << 20;
    /** Work below this many multiply-adds is not worth spreading over threads (or, per unit, splitting). */
    private static final long SMALL_UNIT_FMAS = 1L << 22;

    private final Parallel par;
    private final CpuGemm gemm;
    private final long colBudgetBytes;
    private final long smallFmas;

    CpuConv(Parallel par, CpuGemm gemm) {
        this(par, gemm, COL_BUDGET_BYTES, SMALL_UNIT_FMAS);
    }

    /**
     * With a custom column-buffer budget and small-work threshold (tests use tiny ones to run
     * small problems through the row bands and the parallel paths).
     */
    CpuConv(Parallel par, CpuGemm gemm, long colBudgetBytes, long smallFmas) {
        this.par = par;
        this.gemm = gemm;
        this.colBudgetBytes = colBudgetBytes;
        this.smallFmas = smallFmas;
    }

    void forward(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor out) {
        forward(x, w, bias, null, null, p, out);
    }

    /**
     * The inference convolution of {@link Conv2dFusion}: the weight scale is applied while the
     * weights are packed (or to a scaled copy where they are not), the rest by a
     * {@link ConvEpilogue} on each band of output rows right after its GEMM.
     */
    void forwardFused(Tensor x, Tensor w, Conv2dFusion f, Conv2dParams p, Tensor out) {
        forward(x, w, null, f.weightScale(), ConvEpilogue.of(f, out, gemm.vectorized()), p, out);
    }

    /**
     * A plain convolution (the bias written first, the products added to it) when {@code epilogue}
     * is null; else products stored, then the epilogue, with weights scaled per output channel by
     * {@code scale} when not null.
     */
    private void forward(Tensor x, Tensor w, Tensor bias, Tensor scale, ConvEpilogue epilogue, Conv2dParams p,
                         Tensor out) {
        Tensor xc = dense(x);
        boolean f32 = x.dtype() == DType.F32;
        boolean packs = f32 && Sgemm.VECTOR;
        float[] rowScale = scale != null && packs ? scale.contiguous().toFloatArray() : null;
        // where the weights are not packed, the scaled weights are a copy (as the default backend does)
        Tensor wc = dense(scale != null && !packs ? w.mul(scale.reshape(w.size(0), 1, 1, 1)) : w);
        ConvGeometry g = ConvGeometry.of(x.shape(), w.shape(), p);
        Object xa = array(xc);
        Object wa = array(wc);
        Object oa = array(out);
        double[] b = bias == null ? null : bias.to(DType.F64).contiguous().toDoubleArray();
        if (Winograd3x3.applies(g, f32)) {
            Winograd3x3.convolve(this, par, Winograd3x3.Shape.forward(g), (float[]) xa, xc.offset(), (float[]) wa,
                    wc.offset(), false, rowScale, b, epilogue, (float[]) oa, out.offset());
            return;
        }
        int units = g.n() * g.groups();
        long fmas = (long) units * g.kg() * g.colRows() * g.outPlane();
        // output row bands are independent: enough of them to keep every thread busy
        int band = forwardBand(g, units, f32, fmas);
        int bands = (g.oh() + band - 1) / band;
        // the weights are the left operand of every band's product: pack them once per group
        Sgemm.PackedA[] packed = packs ? packWeights(g, (float[]) wa, wc.offset(), rowScale) : null;
        forItems(units * bands, fmas, item -> {
            int u = item / bands;
            int oh0 = (item % bands) * band;
            int oh1 = Math.min(g.oh(), oh0 + band);
            int len = (oh1 - oh0) * g.ow();
            int img = u / g.groups();
            int grp = u % g.groups();
            int xOff = xc.offset() + (img * g.groups() + grp) * g.cg() * g.inPlane();
            int oOff = out.offset() + (img * g.groups() + grp) * g.kg() * g.outPlane() + oh0 * g.ow();
            int wOff = wc.offset() + grp * g.kg() * g.colRows();
            double beta = 0;
            if (b != null) {
                fillBias(oa, oOff, b, grp * g.kg(), g.kg(), len, g.outPlane());
                beta = 1;
            }
            if (g.pointwise()) {
                if (packed != null) {
                    Sgemm.gemmPacked(packed[grp], len, (float[]) xa, xOff + oh0 * g.ow(), g.inPlane(), 1, (float) beta,
                            (float[]) oa, oOff, g.outPlane());
                } else {
                    gemm(CpuGemm.SERIAL, f32, g.kg(), len, g.cg(), wa, wOff, g.cg(), 1, xa, xOff + oh0 * g.ow(),
                            g.inPlane(), 1, beta, oa, oOff, g.outPlane());
                }
            } else {
                Object col = Workspace.get(f32, g.colRows() * len);
                Im2col.im2col(CpuGemm.SERIAL, xa, xOff, g, oh0, oh1, col);
                if (packed != null) {
                    Sgemm.gemmPacked(packed[grp], len, (float[]) col, 0, len, 1, (float) beta, (float[]) oa, oOff,
                            g.outPlane());
                } else {
                    gemm(CpuGemm.SERIAL, f32, g.kg(), len, g.colRows(), wa, wOff, g.colRows(), 1, col, 0, len, 1, beta,
                            oa, oOff, g.outPlane());
                }
            }
            if (epilogue != null) {
                epilogue.apply(oa, oOff, grp * g.kg(), g.kg(), len, g.outPlane());
            }
        });
    }

    /** Each group's transposed weights {@code [colRows, kg]} packed as a GEMM left operand. */
    private Sgemm.PackedA[] packWeightsTransposed(ConvGeometry g, float[] w, int off) {
        Sgemm.PackedA[] p = new Sgemm.PackedA[g.groups()];
        for (int grp = 0; grp < g.groups(); grp++) {
            p[grp] = Sgemm.packAll(par, w, off + grp * g.kg() * g.colRows(), 1, g.colRows(), g.colRows(), g.kg(), 1f,
                    null, 0, g.groups() == 1 ? Workspace.packedWeights(Sgemm.packedLength(g.colRows(), g.kg())) : null);
        }
        return p;
    }

    /**
     * Each group's weights {@code [kg, colRows]} packed as a GEMM left operand, output channel
     * {@code k}'s row multiplied by {@code rowScale[k]} when that is not null.
     */
    Sgemm.PackedA[] packWeights(ConvGeometry g, float[] w, int off, float[] rowScale) {
        Sgemm.PackedA[] p = new Sgemm.PackedA[g.groups()];
        for (int grp = 0; grp < g.groups(); grp++) {
            p[grp] = Sgemm.packAll(par, w, off + grp * g.kg() * g.colRows(), g.colRows(), 1, g.kg(), g.colRows(), 1f,
                    rowScale, grp * g.kg(),
                    g.groups() == 1 ? Workspace.packedWeights(Sgemm.packedLength(g.kg(), g.colRows())) : null);
        }
        return p;
    }

    /**
     * Rows per output band of the forward pass: within each thread's column budget, and small
     * enough for about three bands per thread, but not so small that a band's GEMM gets narrow.
     */
    private int forwardBand(ConvGeometry g, int units, boolean f32, long fmas) {
        int most = g.pointwise() ? g.oh() : bandRows(g, par.threads() > 1, f32);
        int t = fmas < smallFmas ? 1 : par.threads();
        int wanted = (3 * t + units - 1) / units;
        int minRows = Math.max(1, 256 / Math.max(1, g.ow()));
        int band = Math.max(minRows, (g.oh() + wanted - 1) / wanted);
        band = Math.min(band, most);
        int bands = (g.oh() + band - 1) / band;
        return (g.oh() + bands - 1) / bands;
    }

    void backwardInput(Tensor gradOut, Tensor w, Conv2dParams p, Tensor gradIn) {
        Tensor gc = dense(gradOut);
        Tensor wc = dense(w);
        ConvGeometry g = ConvGeometry.of(gradIn.shape(), w.shape(), p);
        boolean f32 = gradOut.dtype() == DType.F32;
        Object ga = array(gc);
        Object wa = array(wc);
        Object ia = array(gradIn);
        if (Winograd3x3.appliesToInputGradient(g, f32)) {
            Winograd3x3.convolve(this, par, Winograd3x3.Shape.inputGradient(g), (float[]) ga, gc.offset(), (float[]) wa,
                    wc.offset(), true, null, null, null, (float[]) ia, gradIn.offset());
            return;
        }
        long unitFmas = (long) g.kg() * g.colRows() * g.outPlane();
        // W^T is the left operand for every image: pack it once per group (used by serial units)
        Sgemm.PackedA[] packed = f32 && Sgemm.VECTOR ? packWeightsTransposed(g, (float[]) wa, wc.offset()) : null;
        forUnits(g.n() * g.groups(), unitFmas, (pp, u) -> {
            int img = u / g.groups();
            int grp = u % g.groups();
            int iOff = gradIn.offset() + (img * g.groups() + grp) * g.cg() * g.inPlane();
            int gOff = gc.offset() + (img * g.groups() + grp) * g.kg() * g.outPlane();
            int wOff = wc.offset() + grp * g.kg() * g.colRows();
            // A = W^T: W is [kg, colRows] row-major, so A(i,p) = W(p,i)
            Sgemm.PackedA pa = packed != null && pp == CpuGemm.SERIAL ? packed[grp] : null;
            if (g.pointwise()) {
                if (pa != null) {
                    Sgemm.gemmPacked(pa, g.inPlane(), (float[]) ga, gOff, g.outPlane(), 1, 0f, (float[]) ia, iOff,
                            g.inPlane());
                } else {
                    gemm(pp, f32, g.cg(), g.inPlane(), g.kg(), wa, wOff, 1, g.cg(), ga, gOff, g.outPlane(), 1, 0, ia, iOff,
                            g.inPlane());
                }
                return;
            }
            int band = bandRows(g, pp != par, f32);
            Object col = Workspace.get(f32, g.colRows() * band * g.ow());
            for (int oh0 = 0; oh0 < g.oh(); oh0 += band) {
                int oh1 = Math.min(g.oh(), oh0 + band);
                int len = (oh1 - oh0) * g.ow();
                if (pa != null) {
                    Sgemm.gemmPacked(pa, len, (float[]) ga, gOff + oh0 * g.ow(), g.outPlane(), 1, 0f, (float[]) col, 0,
                            len);
                } else {
                    gemm(pp, f32, g.colRows(), len, g.kg(), wa, wOff, 1, g.colRows(), ga, gOff + oh0 * g.ow(),
                            g.outPlane(), 1, 0, col, 0, len);
                }
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
            int band = g.pointwise() ? g.oh() : bandRows(g, pp != par, f32);
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
        boolean outer = t > 1 && units >= t && (units % t == 0 || units >= 4 * t || unitFmas < smallFmas);
        if (outer) {
            forItems(units, Long.MAX_VALUE, u -> body.run(CpuGemm.SERIAL, u));
        } else {
            for (int u = 0; u < units; u++) {
                body.run(par, u);
            }
        }
    }

    /**
     * Runs {@code items} independent items on all threads, each thread taking the next untaken
     * item when it finishes one, so a thread slowed by other work on the machine does fewer;
     * small totals ({@code fmas}) run on the calling thread.
     */
    void forItems(int items, long fmas, IntConsumer body) {
        int t = Math.min(par.threads(), items);
        if (t <= 1 || fmas < smallFmas) {
            for (int i = 0; i < items; i++) {
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        par.forRange(t, 1, (s, e) -> {
            for (int i = next.getAndIncrement(); i < items; i = next.getAndIncrement()) {
                body.accept(i);
            }
        });
    }

    /** Output rows per column band so that the buffer fits the budget (or a thread's share of it). */
    private int bandRows(ConvGeometry g, boolean perThread, boolean f32) {
        long share = colBudgetBytes / (perThread ? par.threads() : 1);
        long perRow = (long) g.colRows() * g.ow() * (f32 ? 4 : 8);
        int most = (int) Math.max(1, Math.min(g.oh(), share / Math.max(perRow, 1)));
        // equal bands rather than full ones and a small remainder
        int bands = (g.oh() + most - 1) / most;
        return (g.oh() + bands - 1) / bands;
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

    /** Sets {@code len} values of each of {@code channels} output planes to their channel's bias. */
    private static void fillBias(Object out, int off, double[] bias, int b0, int channels, int len, int plane) {
        for (int k = 0; k < channels; k++) {
            int s = off + k * plane;
            if (out instanceof float[]) {
                java.util.Arrays.fill((float[]) out, s, s + len, (float) bias[b0 + k]);
            } else {
                java.util.Arrays.fill((double[]) out, s, s + len, bias[b0 + k]);
            }
        }
    }

    static Tensor dense(Tensor t) {
        return t.isContiguous() ? t : t.contiguous();
    }

    static Object array(Tensor t) {
        return ((CpuStorage) t.storage()).array();
    }
}
