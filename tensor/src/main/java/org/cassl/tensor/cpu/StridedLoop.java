package org.cassl.tensor.cpu;

import org.cassl.tensor.Tensor;

/**
 * Iterates up to four same-shaped strided operands in row-major order as "runs": stretches along
 * the innermost (collapsed) dimension where every operand advances by a fixed stride. Adjacent
 * dimensions that are contiguous with each other in every operand are merged first, so dense
 * tensors become one long run per chunk and broadcast operands keep stride 0.
 */
final class StridedLoop {
    /** Receives one run: {@code len} elements, per operand a start offset and a stride. */
    @FunctionalInterface
    interface Run {
        void run(int len, int o0, int s0, int o1, int s1, int o2, int s2, int o3, int s3);
    }

    private final int[] shape;      // collapsed shape, innermost last
    private final int[][] strides;  // [operand][dim]
    private final int[] offsets;
    private final int n;            // number of operands
    private final int numel;

    StridedLoop(Tensor... ops) {
        n = ops.length;
        int[] s0 = ops[0].shape();
        offsets = new int[4];
        int r = s0.length;
        int[][] st = new int[n][];
        for (int k = 0; k < n; k++) {
            st[k] = ops[k].strides();
            offsets[k] = ops[k].offset();
        }
        // drop size-1 dims, then merge dims mergeable in every operand
        int[] sh = new int[r];
        int[][] ss = new int[n][r];
        int m = 0;
        for (int d = 0; d < r; d++) {
            if (s0[d] == 1) {
                continue;
            }
            if (m > 0) {
                boolean merge = true;
                for (int k = 0; k < n; k++) {
                    if (ss[k][m - 1] != st[k][d] * s0[d]) {
                        merge = false;
                        break;
                    }
                }
                if (merge) {
                    sh[m - 1] *= s0[d];
                    for (int k = 0; k < n; k++) {
                        ss[k][m - 1] = st[k][d];
                    }
                    continue;
                }
            }
            sh[m] = s0[d];
            for (int k = 0; k < n; k++) {
                ss[k][m] = st[k][d];
            }
            m++;
        }
        if (m == 0) {
            shape = new int[] {1};
            strides = new int[n][1];
        } else {
            shape = java.util.Arrays.copyOf(sh, m);
            strides = new int[n][];
            for (int k = 0; k < n; k++) {
                strides[k] = java.util.Arrays.copyOf(ss[k], m);
            }
        }
        int count = 1;
        for (int s : s0) {
            count *= s;
        }
        numel = count;
    }

    int numel() {
        return numel;
    }

    /** Length of the innermost run. */
    int innerLength() {
        return shape[shape.length - 1];
    }

    /** Number of runs ({@code numel / innerLength}). */
    int outerCount() {
        int c = 1;
        for (int i = 0; i < shape.length - 1; i++) {
            c *= shape[i];
        }
        return c;
    }

    /** Visits runs {@code [from, to)} of the outer iteration, splitting nothing. */
    void forRuns(int from, int to, Run body) {
        if (numel == 0) {
            return;
        }
        int r = shape.length;
        int inner = shape[r - 1];
        int[] idx = new int[r];
        // decode 'from' into an index over the outer dims
        int rem = from;
        for (int d = r - 2; d >= 0; d--) {
            idx[d] = rem % shape[d];
            rem /= shape[d];
        }
        int[] off = new int[4];
        for (int k = 0; k < n; k++) {
            int o = offsets[k];
            for (int d = 0; d < r - 1; d++) {
                o += idx[d] * strides[k][d];
            }
            off[k] = o;
        }
        int i0 = n > 0 ? strides[0][r - 1] : 0;
        int i1 = n > 1 ? strides[1][r - 1] : 0;
        int i2 = n > 2 ? strides[2][r - 1] : 0;
        int i3 = n > 3 ? strides[3][r - 1] : 0;
        for (int run = from; run < to; run++) {
            body.run(inner, off[0], i0, off[1], i1, off[2], i2, off[3], i3);
            // advance the outer index (odometer), updating offsets incrementally
            for (int d = r - 2; d >= 0; d--) {
                idx[d]++;
                for (int k = 0; k < n; k++) {
                    off[k] += strides[k][d];
                }
                if (idx[d] < shape[d]) {
                    break;
                }
                for (int k = 0; k < n; k++) {
                    off[k] -= strides[k][d] * shape[d];
                }
                idx[d] = 0;
            }
        }
    }

    /** Visits a sub-range of one long single run (used when there is only one outer run). */
    void forInnerRange(int start, int end, Run body) {
        int r = shape.length;
        int i0 = n > 0 ? strides[0][r - 1] : 0;
        int i1 = n > 1 ? strides[1][r - 1] : 0;
        int i2 = n > 2 ? strides[2][r - 1] : 0;
        int i3 = n > 3 ? strides[3][r - 1] : 0;
        body.run(end - start, offsets[0] + start * i0, i0, offsets[1] + start * i1, i1,
                offsets[2] + start * i2, i2, offsets[3] + start * i3, i3);
    }

    /** Runs everything, in parallel over runs (or over the inner run when it is the only one). */
    void parallel(Parallel par, Run body) {
        if (numel == 0) {
            return;
        }
        int outer = outerCount();
        int inner = innerLength();
        final int grainElems = 1 << 15;
        if (outer == 1) {
            par.forRange(inner, grainElems, (s, e) -> forInnerRange(s, e, body));
        } else {
            int grainRuns = Math.max(1, grainElems / Math.max(inner, 1));
            par.forRange(outer, grainRuns, (s, e) -> forRuns(s, e, body));
        }
    }
}
