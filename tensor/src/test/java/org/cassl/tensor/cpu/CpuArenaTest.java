package org.cassl.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Reference;
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
            Tensor ones1 = Tensor.ones(BIG);
            Tensor ones2 = Tensor.ones(BIG);
            kept = ones1.mul(2);
            lost = ones2.add(1);
            small = Tensor.ones(10).add(1);
            lostArray = array(lost);
            s.keep(kept);
            // ones + result of each op: 4 large storages, 1 kept (the scope holds them weakly: the
            // operands are referenced here so that a collection cannot take them first)
            assertEquals(3, s.size());
            Reference.reachabilityFence(ones1);
            Reference.reachabilityFence(ones2);
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
            Tensor operand = Tensor.ones(BIG);
            before.addInPlace(operand);
            // only the operand made on this thread inside the scope
            assertEquals(1, s.size());
            Reference.reachabilityFence(operand);
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
            Tensor t = Tensor.randn(new Generator(1), BIG + 7);
            first = array(t);
            Reference.reachabilityFence(t);
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

    @Test
    void aTemporaryNothingReferencesIsLeftToTheCollector() throws Exception {
        try (MemoryScope s = MemoryScope.openRecycling(Device.CPU)) {
            Tensor.ones(BIG).mul(2);
            // a step's dead temporaries must not be held until the close (that made a 1 GiB heap
            // run out on a batch a plain step trains in)
            for (int i = 0; i < 50 && s.size() > 0; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertEquals(0, s.size());
        }
    }
}
