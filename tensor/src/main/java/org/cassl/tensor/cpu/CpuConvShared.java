package org.cassl.tensor.cpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;

/**
 * One convolution applied to several inputs (an FPN head's convolution on every pyramid level).
 * Inputs with large output planes run as separate convolutions (banded over the threads); the
 * small ones (the head's P5-P7: 10x10 down to 3x3 at 320 px) are put side by side as the columns of
 * one product with the weights packed once: convolved one by one, their products were a few dozen
 * columns wide, mostly padding of the 32-column tile, and each packed the 2.4 MB of weights again.
 * The head ran P7 at 12 GFLOP/s against 205 on P3; side by side, a ResNet-18 detect at 320 px took
 * 7% less time at batch 1 and 2% at batch 4 ({@code bench/RESULTS.md}).
 *
 * <p>Every output element is the same sum in the same order as in {@link CpuConv#forward} (the
 * bias first, then the k slices of the packed weights), so results are bit-identical to
 * convolving each input alone.
 */
final class CpuConvShared {
    /**
     * Output planes at least this large are convolved on their own, in row bands over the threads
     * (a 20x20 P4 at 1024 made one thread's product while the other had the rest).
     */
    static final int MIN_OWN_PLANE = 256;
    /** Columns of one side-by-side product at most (the column matrix of a 256-channel 3x3: 9 MB). */
    static final int MAX_CHUNK_COLUMNS = 1024;

    /** Off: every input is convolved on its own (benchmarks compare the two in one JVM). */
    static volatile boolean sideBySideEnabled = true;

    private final CpuConv conv;
    private final Parallel par;

    CpuConvShared(CpuConv conv, Parallel par) {
        this.conv = conv;
        this.par = par;
    }

    /** A small input's one image: its input, geometry, and where its columns go. */
    private record Unit(int input, int image, ConvGeometry g) {
    }

    /** {@code outs[i] = conv2d(xs[i], w, bias)} for every i (outputs allocated by the caller). */
    void forward(List<Tensor> xs, Tensor w, Tensor bias, Conv2dParams p, List<Tensor> outs) {
        boolean sideBySide = sideBySideEnabled && w.dtype() == DType.F32 && Sgemm.VECTOR && p.groups() == 1;
        List<Unit> small = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) {
            ConvGeometry g = ConvGeometry.of(xs.get(i).shape(), w.shape(), p);
            if (!sideBySide || g.outPlane() >= MIN_OWN_PLANE) {
                conv.forward(xs.get(i), w, bias, p, outs.get(i));
            } else {
                for (int n = 0; n < g.n(); n++) {
                    small.add(new Unit(i, n, g));
                }
            }
        }
        if (!small.isEmpty()) {
            sideBySide(small, xs, w, bias, outs);
        }
    }

    private void sideBySide(List<Unit> units, List<Tensor> xs, Tensor w, Tensor bias, List<Tensor> outs) {
        List<Tensor> dense = new ArrayList<>();
        for (Tensor x : xs) {
            dense.add(CpuConv.dense(x));
        }
        Tensor wc = CpuConv.dense(w);
        ConvGeometry g0 = units.get(0).g();
        int kg = g0.kg();
        int colRows = g0.colRows();
        // after the large inputs' convolutions, which pack into the same per-thread buffer
        Sgemm.PackedA packed = conv.packWeights(g0, (float[]) CpuConv.array(wc), wc.offset(), null)[0];
        float[] b = bias == null ? null : bias.to(DType.F32).contiguous().toFloatArray();
        List<int[]> chunks = chunks(units);
        long fmas = 0;
        for (Unit u : units) {
            fmas += (long) kg * colRows * u.g().outPlane();
        }
        conv.forItems(chunks.size(), fmas, c -> {
            int from = chunks.get(c)[0];
            int to = chunks.get(c)[1];
            int cols = 0;
            for (int k = from; k < to; k++) {
                cols += units.get(k).g().outPlane();
            }
            float[] col = Workspace.floats(colRows * cols);
            float[] block = Workspace.outBlock(kg * cols);
            int at = 0;
            for (int k = from; k < to; k++) {
                Unit u = units.get(k);
                Tensor x = dense.get(u.input());
                int xOff = x.offset() + u.image() * u.g().cg() * u.g().inPlane();
                Im2col.im2colAt(CpuConv.array(x), xOff, u.g(), col, cols, at);
                at += u.g().outPlane();
            }
            if (b != null) {
                for (int o = 0; o < kg; o++) {
                    Arrays.fill(block, o * cols, (o + 1) * cols, b[o]);
                }
            }
            Sgemm.gemmPacked(packed, cols, col, 0, cols, 1, b == null ? 0f : 1f, block, 0, cols);
            at = 0;
            for (int k = from; k < to; k++) {
                Unit u = units.get(k);
                Tensor out = outs.get(u.input());
                int plane = u.g().outPlane();
                float[] oa = (float[]) CpuConv.array(out);
                int oOff = out.offset() + u.image() * kg * plane;
                for (int o = 0; o < kg; o++) {
                    System.arraycopy(block, o * cols + at, oa, oOff + o * plane, plane);
                }
                at += plane;
            }
        });
    }

    /**
     * Consecutive units grouped into products of at most {@link #MAX_CHUNK_COLUMNS} columns (a
     * unit never splits), about one per thread when they are fewer.
     */
    private List<int[]> chunks(List<Unit> units) {
        int total = 0;
        for (Unit u : units) {
            total += u.g().outPlane();
        }
        int target = Math.min(MAX_CHUNK_COLUMNS, Math.max(64, (total + par.threads() - 1) / par.threads()));
        List<int[]> chunks = new ArrayList<>();
        int start = 0;
        int cols = 0;
        for (int k = 0; k < units.size(); k++) {
            int plane = units.get(k).g().outPlane();
            if (k > start && cols + plane > target) {
                chunks.add(new int[] {start, k});
                start = k;
                cols = 0;
            }
            cols += plane;
        }
        chunks.add(new int[] {start, units.size()});
        return chunks;
    }
}
