package org.cassl.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link MemoryScope} and {@link Tensor#release()} on the CPU heap: shared no-ops. */
class MemoryScopeTest {

    @Test
    void aCpuScopeIsTheSharedNoOp() {
        MemoryScope a = MemoryScope.open(Device.CPU);
        assertSame(MemoryScope.none(), a, "nothing is allocated to open a CPU scope");
        assertSame(a, Backends.cpu().openScope());
        Tensor t;
        try (MemoryScope outer = MemoryScope.open(Device.CPU); MemoryScope inner = MemoryScope.open(Device.CPU)) {
            t = Tensor.of(new float[] {1, 2, 3}, 3);
            assertSame(t, inner.keep(t));
            List<Tensor> all = List.of(t, t.mul(2));
            assertSame(all, outer.keepAll(all));
            assertEquals(0, inner.size());
            assertEquals(0, outer.size());
        }
        a.close();
        a.close();
        assertArrayEquals(new float[] {1, 2, 3}, t.toFloatArray(), "the heap is the garbage collector's");
        assertThrows(NullPointerException.class, () -> MemoryScope.open(null));
    }

    @Test
    void releaseOnTheHeapIsAnIdempotentNoOp() {
        Tensor t = Tensor.of(new double[] {4, 5}, 2);
        t.release();
        t.release();
        t.slice(0, 0, 1).release();
        assertArrayEquals(new double[] {4, 5}, t.toDoubleArray());
    }
}
