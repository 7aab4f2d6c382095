package org.cassl.kernels.ops;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.cassl.tensor.Shapes;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * Host side of the kernels' {@code TDesc} (common.cuh): rank, element offset, up to 8 sizes and 8
 * strides as little-endian ints. Also merges dimensions that several operands traverse
 * contiguously together, so that most views reach the kernels as rank 1 or 2 and the rank limit
 * only bites for genuinely high-rank strided views.
 */
public final class TensorDesc {
    /** The kernels' maximum rank ({@code CASSL_MAX_RANK}). */
    public static final int MAX_RANK = 8;
    /** Packed size in bytes. */
    public static final int BYTES = 8 + 8 * MAX_RANK;

    private TensorDesc() {
    }

    /** Packs a view; the rank must be at most {@link #MAX_RANK}. */
    public static byte[] pack(int offset, int[] shape, int[] strides) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " and strides " + Arrays.toString(strides)
                    + " differ in rank");
        }
        if (shape.length > MAX_RANK) {
            throw new TensorException("cuda: a strided view of rank " + shape.length + " (shape " + Shapes.str(shape)
                    + ", strides " + Shapes.str(strides) + ") exceeds the kernels' limit of " + MAX_RANK
                    + " dimensions after merging contiguous ones; make it contiguous first");
        }
        ByteBuffer b = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(shape.length).putInt(offset);
        for (int i = 0; i < MAX_RANK; i++) {
            b.putInt(i < shape.length ? shape[i] : 1);
        }
        for (int i = 0; i < MAX_RANK; i++) {
            b.putInt(i < strides.length ? strides[i] : 0);
        }
        return b.array();
    }

    /** A tensor's own view (no merging). */
    public static byte[] of(Tensor t) {
        return pack(t.offset(), t.shape(), t.strides());
    }

    /**
     * Operands sharing one iteration shape after dimension merging: {@code shape} and, per
     * operand, its strides over that shape.
     *
     * @param shape   merged shape (size-1 dims removed; empty for a single element)
     * @param strides strides per operand
     */
    public record Merged(int[] shape, int[][] strides) {
        /** The packed descriptor of operand {@code i} with the given element offset. */
        public byte[] desc(int i, int offset) {
            return pack(offset, shape, strides[i]);
        }

        public int rank() {
            return shape.length;
        }

        /** Whether operand {@code i} is a dense run (rank 0, or rank 1 with stride 1). */
        public boolean dense(int i) {
            return shape.length == 0 || (shape.length == 1 && strides[i][0] == 1);
        }
    }

    /**
     * Merges the dims of {@code shape} for operands with the given strides: size-1 dims are
     * dropped, and dim i joins dim i+1 when every operand has {@code stride[i] == stride[i+1] *
     * shape[i+1]}. Row-major iteration order over the result equals that over the original.
     */
    public static Merged merge(int[] shape, int[]... strides) {
        int n = shape.length;
        int[] s = new int[n];
        int[][] st = new int[strides.length][n];
        int r = 0;
        for (int d = 0; d < n; d++) {
            if (shape[d] == 1) {
                continue;
            }
            if (r > 0 && canJoin(s[r - 1], shape[d], st, strides, r - 1, d)) {
                s[r - 1] *= shape[d];
                for (int k = 0; k < strides.length; k++) {
                    st[k][r - 1] = strides[k][d];
                }
                continue;
            }
            s[r] = shape[d];
            for (int k = 0; k < strides.length; k++) {
                st[k][r] = strides[k][d];
            }
            r++;
        }
        int[][] outStrides = new int[strides.length][];
        for (int k = 0; k < strides.length; k++) {
            outStrides[k] = Arrays.copyOf(st[k], r);
        }
        return new Merged(Arrays.copyOf(s, r), outStrides);
    }

    private static boolean canJoin(int outerSize, int innerSize, int[][] merged, int[][] orig, int outerIdx, int d) {
        for (int k = 0; k < orig.length; k++) {
            if ((long) merged[k][outerIdx] != (long) orig[k][d] * innerSize) {
                return false;
            }
        }
        return outerSize > 0;
    }

    /** {@link #merge} of tensors that all have {@code shape}. */
    public static Merged merge(int[] shape, Tensor... ts) {
        int[][] st = new int[ts.length][];
        for (int i = 0; i < ts.length; i++) {
            st[i] = ts[i].strides();
        }
        return merge(shape, st);
    }
}
