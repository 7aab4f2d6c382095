package org.cassl.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorBasicsTest {

    @Test
    void broadcastingAddWithPromotion() {
        Tensor a = Tensor.of(new float[] {1, 2, 3}, 3, 1);
        Tensor b = Tensor.of(new long[] {10, 20}, 2);
        Tensor c = a.add(b);
        assertEquals(DType.F32, c.dtype());
        assertArrayEquals(new int[] {3, 2}, c.shape());
        assertArrayEquals(new float[] {11, 21, 12, 22, 13, 23}, c.toFloatArray());
    }

    @Test
    void zeroDimDoesNotPromoteWithinCategory() {
        Tensor a = Tensor.of(new float[] {1, 2}, 2);
        Tensor s = Tensor.scalar(2, DType.F64);
        assertEquals(DType.F32, a.mul(s).dtype());
        Tensor i = Tensor.of(new long[] {1, 2}, 2);
        assertEquals(DType.F32, i.mul(s).dtype());
        assertEquals(DType.F32, i.div(Tensor.of(new long[] {2, 2}, 2)).dtype());
    }

    @Test
    void transposeViewThenContiguousCopy() {
        Tensor a = Tensor.arange(6).reshape(2, 3);
        Tensor t = a.t();
        assertTrue(!t.isContiguous());
        assertArrayEquals(new long[] {0, 3, 1, 4, 2, 5}, t.toLongArray());
        assertArrayEquals(new long[] {0, 3, 1, 4, 2, 5}, t.contiguous().toLongArray());
        assertThrows(ShapeMismatchException.class, () -> t.view(6));
        assertArrayEquals(new int[] {6}, t.reshape(6).shape());
    }

    @Test
    void sliceWithStepAndNegativeBounds() {
        Tensor a = Tensor.arange(10);
        assertArrayEquals(new long[] {1, 4, 7}, a.slice(0, 1, -1, 3).toLongArray());
        assertArrayEquals(new long[] {}, a.slice(0, 8, 2).toLongArray());
    }

    @Test
    void logOfNegativeIsNan() {
        Tensor a = Tensor.of(new float[] {-1, 0, 1}, 3);
        float[] r = a.log().toFloatArray();
        assertTrue(Float.isNaN(r[0]));
        assertEquals(Float.NEGATIVE_INFINITY, r[1]);
        assertEquals(0f, r[2]);
        assertTrue(Float.isNaN(a.sqrt().toFloatArray()[0]));
    }

    @Test
    void reductionsOverSeveralDims() {
        Tensor a = Tensor.arange(24).reshape(2, 3, 4).to(DType.F32);
        Tensor s = a.sum(new int[] {0, 2}, true);
        assertArrayEquals(new int[] {1, 3, 1}, s.shape());
        assertArrayEquals(new float[] {(0 + 1 + 2 + 3) + (12 + 13 + 14 + 15), (4 + 5 + 6 + 7) + (16 + 17 + 18 + 19),
            (8 + 9 + 10 + 11) + (20 + 21 + 22 + 23)}, s.toFloatArray());
        ValuesIndices m = a.permute(2, 0, 1).max(2, false);
        assertArrayEquals(new long[] {2, 2, 2, 2, 2, 2, 2, 2}, m.indices().toLongArray());
        assertEquals(DType.I64, Tensor.arange(4).sum().dtype());
        assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(0).max());
    }

    @Test
    void broadcastErrorNamesOpAndShapes() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"),
                e.getMessage());
    }

    @Test
    void inPlaceOnStridedView() {
        Tensor a = Tensor.zeros(3, 4);
        a.slice(1, 0, 4, 2).addInPlace(Tensor.ones(3, 2));
        assertArrayEquals(new float[] {1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0}, a.toFloatArray());
    }

    @Test
    void matmulWithEmptyContractionGivesZeros() {
        Tensor r = Tensor.zeros(3, 0).matmul(Tensor.zeros(0, 4));
        assertArrayEquals(new int[] {3, 4}, r.shape());
        assertArrayEquals(new float[12], r.toFloatArray());
    }
}
