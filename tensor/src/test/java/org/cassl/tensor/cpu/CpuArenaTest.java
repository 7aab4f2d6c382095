package org.cassl.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.cassl.tensor.Device;
import org.cassl.tensor.Generator;
import org.cassl.tensor.MemoryScope;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Ownership, keeping, reuse and the failure on use after close of the recycling CPU scope. */
class CpuArenaTest {
    private static final int BIG = CpuArena.MIN_ELEMENTS * 3 + 1;

    private static Object array(Tensor t) {
        return ((CpuStorage) t.storage()).array();
    }

    @Test
    void unkeptStoragesAreRecycledAndFailAfterClose() {
        Tensor kept;
        Tensor lost;
        Tensor small;
        Object lostArray;
        try (MemoryScope s = MemoryScope.openRecycling(Device.CPU)) {
            kept = Tensor.ones(BIG).mul(2);
            lost = Tensor.ones(BIG).add(1);
            small = Tensor.ones(10).add(1);
            lostArray = array(lost);
            s.keep(kept);
            // ones + result of each op: 4 large storages, 1 kept
            assertEquals(3, s.size());
        }
        assertEquals(2f, kept.toFloatArray()[BIG - 1]);
        assertEquals(2f, small.toFloatArray()[9]);
        IllegalStateException e = assertThrows(IllegalStateException.class, lost::toFloatArray);
        assertTrue(e.getMessage().contains("keep()"), e.getMessage());
        try (MemoryScope s = MemoryScope.openRecycling(Device.CPU)) {
            // the three unkept arrays of that size are in the pool: the next three allocations reuse
            // them, the lost one among them, zero-filled
            Tensor[] again = {Tensor.zeros(BIG), Tensor.zeros(BIG), Tensor.zeros(BIG)};
            boolean reused = false;
            for (Tensor t : again) {
                reused |= array(t) == lostArray;
            }
            assertTrue(reused);
            for (Tensor t : again) {
                assertEquals(0.0, t.abs().sum().item());
            }
        }
    }

    @Test
    void keepingAViewKeepsItsStorageAndNestedKeepsMoveOutward() {
        Tensor view;
        Tensor innerOnly;
        try (MemoryScope outer = MemoryScope.openRecycling(Device.CPU)) {
            try (MemoryScope inner = MemoryScope.openRecycling(Device.CPU)) {
                Tensor base = Tensor.arange(BIG).reshape(1, BIG);
                view = base.slice(1, 5, 10);
                innerOnly = Tensor.ones(BIG).mul(3);
                inner.keep(view);
                inner.keep(innerOnly);
            }
            assertArrayEquals(new float[] {5, 6, 7, 8, 9}, view.toFloatArray());
            assertEquals(3f, innerOnly.toFloatArray()[0]);
            outer.keep(view);
        }
        assertArrayEquals(new float[] {5, 6, 7, 8, 9}, view.toFloatArray());
        assertThrows(IllegalStateException.class, innerOnly::toFloatArray);
    }

    @Test
    void otherThreadsAndEarlierTensorsAreNotOwned() throws Exception {
        Tensor before = Tensor.ones(BIG);
        AtomicReference<Tensor> fromWorker = new AtomicReference<>();
        try (MemoryScope s = MemoryScope.openRecycling(Device.CPU)) {
            Thread t = new Thread(() -> fromWorker.set(Tensor.ones(BIG).mul(4)));
            t.start();
            t.join();
            before.addInPlace(Tensor.ones(BIG));
            // only the operand made on this thread inside the scope
            assertEquals(1, s.size());
        }
        assertEquals(2f, before.toFloatArray()[0]);
        assertEquals(4f, fromWorker.get().toFloatArray()[0]);
    }

    @Test
    void scopesCloseInOrderOnTheirThread() throws Exception {
        MemoryScope outer = MemoryScope.openRecycling(Device.CPU);
        MemoryScope inner = MemoryScope.openRecycling(Device.CPU);
        assertThrows(IllegalStateException.class, outer::close);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                inner.close();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        assertTrue(failure.get() instanceof IllegalStateException);
        inner.close();
        outer.close();
        outer.close(); // idempotent
        // no scope left open: allocations are ordinary again
        Tensor free = Tensor.ones(BIG);
        assertFalse(((CpuStorage) free.storage()).recycled());
    }

    @Test
    void poolDropsArraysNobodyTakesAndIsReusedAcrossSteps() {
        // a "step" allocating the same shapes each time reuses the previous step's arrays
        Object first;
        try (MemoryScope s = MemoryScope.openRecycling(Device.CPU)) {
            first = array(Tensor.randn(new Generator(1), BIG + 7));
        }
        Object second;
        try (MemoryScope s = MemoryScope.openRecycling(Device.CPU)) {
            second = array(Tensor.randn(new Generator(1), BIG + 7));
        }
        assertSame(first, second);
        // two closes without taking it: the array is gone from the pool
        for (int i = 0; i < 2; i++) {
            try (MemoryScope s = MemoryScope.openRecycling(Device.CPU)) {
                Tensor.ones(5);
            }
        }
        try (MemoryScope s = MemoryScope.openRecycling(Device.CPU)) {
            assertNotSame(first, array(Tensor.zeros(BIG + 7)));
        }
    }
}
