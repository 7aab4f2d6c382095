package org.cassl.tensor.cpu;

import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;

/**
 * Batch norm's training statistics in two read-only passes per channel. The reductions they
 * replace ({@code x.mean(dims)}, then {@code x.var(dims, 0)}: a second mean, the deviations
 * {@code x - mean} and their squares as tensors of x's size, a sum) allocated two temporaries as
 * large as the activation for every batch norm of a training step and passed over memory six
 * times. The arithmetic is theirs, step for step, so the results are the same to the bit: each row
 * of the last dim is summed in double and added to a double total in {@link CpuReduce}'s order,
 * the total rounded to float and divided by the count in float; the deviations and their squares
 * are rounded to float before they are summed the same way.
 */
final class CpuBatchStats {
    private static final int GRAIN = 1 << 14;

    private final Parallel par;

    CpuBatchStats(Parallel par) {
        this.par = par;
    }

    /** Dense float {@code x} of rank 3 or more with {@code [C]} outputs (rank 2 sums strided columns: the reductions do it). */
    static boolean handles(Tensor x, Tensor mean, Tensor var) {
        return x.dtype() == DType.F32 && x.dim() >= 3 && x.isContiguous() && mean.dtype() == DType.F32
                && var.dtype() == DType.F32 && mean.isContiguous() && var.isContiguous();
    }

    void compute(Tensor x, Tensor mean, Tensor var) {
        float[] xa = ((CpuStorage) x.storage()).f32();
        float[] ma = ((CpuStorage) mean.storage()).f32();
        float[] va = ((CpuStorage) var.storage()).f32();
        int xo = x.offset();
        int mo = mean.offset();
        int vo = var.offset();
        int n = x.size(0);
        int c = x.size(1);
        int w = x.size(x.dim() - 1);
        int plane = c == 0 || n == 0 ? 0 : (int) (x.numel() / ((long) n * c));
        int rows = w == 0 ? 0 : plane / w;
        // the count as the reductions' scalar divisor: rounded to float
        float count = (float) ((long) n * plane);
        par.forRange(c, Math.max(1, GRAIN / Math.max(1, n * plane)), (st, en) -> {
            for (int ch = st; ch < en; ch++) {
                float m = (float) total(xa, xo, n, c, ch, plane, rows, w, 0f, false) / count;
                ma[mo + ch] = m;
                va[vo + ch] = (float) total(xa, xo, n, c, ch, plane, rows, w, m, true) / count;
            }
        });
    }

    /**
     * Channel {@code ch}'s total in {@link CpuReduce}'s order (each row of the last dim summed in
     * double, the row sums added to a double total): of the values, or with {@code squares} of
     * their deviations from {@code mean}, each deviation and its square rounded to float first.
     */
    private static double total(float[] xa, int xo, int n, int c, int ch, int plane, int rows, int w, float mean,
                                boolean squares) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            int base = xo + (i * c + ch) * plane;
            for (int q = 0; q < rows; q++) {
                int o = base + q * w;
                double row = 0;
                if (squares) {
                    for (int j = 0; j < w; j++) {
                        float d = xa[o + j] - mean;
                        float sq = d * d;
                        row += sq;
                    }
                } else {
                    for (int j = 0; j < w; j++) {
                        row += xa[o + j];
                    }
                }
                total += row;
            }
        }
        return total;
    }
}
