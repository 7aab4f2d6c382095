package org.cassl.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.cassl.tensor.TensorException;
import org.junit.jupiter.api.Test;

/** Descriptor packing and dimension merging: what every elementwise launch relies on. */
class TensorDescTest {

    @Test
    void packLayoutMatchesTheKernelStruct() {
        byte[] d = TensorDesc.pack(5, new int[] {2, 3}, new int[] {3, 1});
        assertEquals(72, d.length);
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, b.getInt(0));
        assertEquals(5, b.getInt(4));
        assertEquals(2, b.getInt(8));
        assertEquals(3, b.getInt(12));
        assertEquals(1, b.getInt(16), "unused sizes are 1");
        assertEquals(3, b.getInt(40));
        assertEquals(1, b.getInt(44));
        assertEquals(0, b.getInt(48), "unused strides are 0");
    }

    @Test
    void contiguousOperandsMergeToOneDim() {
        TensorDesc.Merged m = TensorDesc.merge(new int[] {2, 3, 4}, new int[] {12, 4, 1}, new int[] {12, 4, 1});
        assertArrayEquals(new int[] {24}, m.shape());
        assertArrayEquals(new int[] {1}, m.strides()[0]);
        assertTrue(m.dense(0) && m.dense(1));
    }

    @Test
    void broadcastAndTransposedOperandsKeepTheirDims() {
        // a [2,3,4] contiguous, b broadcast along dim 1 (stride 0)
        TensorDesc.Merged m = TensorDesc.merge(new int[] {2, 3, 4}, new int[] {12, 4, 1}, new int[] {4, 0, 1});
        assertArrayEquals(new int[] {2, 3, 4}, m.shape());
        // transposed b: no merge possible
        m = TensorDesc.merge(new int[] {3, 4}, new int[] {4, 1}, new int[] {1, 3});
        assertArrayEquals(new int[] {3, 4}, m.shape());
        assertFalse(m.dense(0));
        // size-1 dims vanish whatever their stride
        m = TensorDesc.merge(new int[] {1, 5, 1}, new int[] {99, 1, 7});
        assertArrayEquals(new int[] {5}, m.shape());
        assertArrayEquals(new int[] {1}, m.strides()[0]);
        // a single element is rank 0
        assertEquals(0, TensorDesc.merge(new int[] {1, 1}, new int[] {3, 1}).rank());
    }

    /** Row-major offsets over the merged view equal those over the original view, for random views. */
    @Test
    void mergingPreservesEveryOffset() {
        Random r = new Random(3);
        for (int trial = 0; trial < 500; trial++) {
            int rank = 1 + r.nextInt(5);
            int[] shape = new int[rank];
            for (int i = 0; i < rank; i++) {
                shape[i] = 1 + r.nextInt(4);
            }
            int[][] strides = new int[2][rank];
            for (int k = 0; k < 2; k++) {
                int s = 1;
                for (int i = rank - 1; i >= 0; i--) {
                    int kind = r.nextInt(4);
                    strides[k][i] = kind == 0 ? 0 : kind == 1 ? s * 2 : s;
                    s *= Math.max(1, shape[i]) * (kind == 1 ? 2 : 1);
                }
            }
            TensorDesc.Merged m = TensorDesc.merge(shape, strides);
            int n = 1;
            for (int v : shape) {
                n *= v;
            }
            for (int k = 0; k < 2; k++) {
                for (int i = 0; i < n; i++) {
                    assertEquals(offset(shape, strides[k], i), offset(m.shape(), m.strides()[k], i),
                            "trial " + trial + " operand " + k + " element " + i);
                }
            }
        }
    }

    static int offset(int[] shape, int[] strides, int linear) {
        int off = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            off += (linear % shape[d]) * strides[d];
            linear /= shape[d];
        }
        return off;
    }

    @Test
    void ranksAboveEightAreRefusedWithAClearMessage() {
        int[] s = new int[9];
        int[] st = new int[9];
        java.util.Arrays.fill(s, 2);
        TensorException e = assertThrows(TensorException.class, () -> TensorDesc.pack(0, s, st));
        assertTrue(e.getMessage().contains("limit of 8"), e.getMessage());
    }

    @Test
    void reductionPlansFitTheWork() {
        CudaReduce.Plan many = CudaReduce.plan(1_000_000, 10, 132, 4224);
        assertEquals(32, many.tpo());
        assertEquals(1, many.splits());
        CudaReduce.Plan some = CudaReduce.plan(1000, 100_000, 132, 4224);
        assertEquals(256, some.tpo());
        assertEquals(1000, some.grid());
        CudaReduce.Plan one = CudaReduce.plan(1, 100_000_000, 132, 4224);
        assertTrue(one.splits() > 1, "a single long reduction is split over blocks");
        assertTrue(one.splits() <= 528);
        assertEquals(1, CudaReduce.plan(1, 4000, 132, 4224).splits(), "short ones are not split");
        assertEquals(1, CudaReduce.plan(7, 0, 132, 4224).splits());
    }
}
