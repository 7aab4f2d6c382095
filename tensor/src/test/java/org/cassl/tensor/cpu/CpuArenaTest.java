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

    @Test
    void aPhaseHandsBackWhatItOwnsAtOnceAndNothingElse() {
        // without a recycling scope there is no phase to recycle into
        try (MemoryScope phase = MemoryScope.openPhase(Device.CPU)) {
            assertSame(MemoryScope.none(), phase);
        }
        Object handedBack;
        try (MemoryScope step = MemoryScope.openRecycling(Device.CPU)) {
            Tensor before = Tensor.ones(BIG + 11);
            try (MemoryScope phase = MemoryScope.openPhase(Device.CPU)) {
                Tensor mine = Tensor.ones(BIG + 11).mul(3);
                Tensor kept = phase.keep(Tensor.ones(BIG + 11));
                assertTrue(phase.owns(mine));
                assertFalse(phase.owns(before), "allocated before the phase");
                assertFalse(phase.owns(kept), "kept: it belongs to the enclosing scope now");
                assertTrue(step.owns(kept));
                assertFalse(phase.release(before));
                assertFalse(phase.release(kept));
                handedBack = array(mine);
                assertTrue(phase.release(mine));
                assertFalse(phase.release(mine), "a storage is handed back once");
                // (not toFloatArray: its copy would take the handed-back array before it fails)
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> array(mine));
                assertTrue(e.getMessage().contains("keep()"), e.getMessage());
                // the next allocation of that size, within the same phase, reuses it zero-filled
                Tensor next = Tensor.zeros(BIG + 11);
                assertTrue(handedBack == array(next), "the handed-back array is reused");
                assertEquals(0f, next.toFloatArray()[BIG]);
            }
            assertEquals(1f, before.toFloatArray()[0]);
        }
    }

    @Test
    void closingAPhaseDoesNotAgeThePool() {
        Object first;
        try (MemoryScope s = MemoryScope.openRecycling(Device.CPU)) {
            Tensor t = Tensor.ones(BIG + 13);
            first = array(t);
            Reference.reachabilityFence(t);
        }
        // many phases inside one step: the step's closes count, the phases' do not
        try (MemoryScope s = MemoryScope.openRecycling(Device.CPU)) {
            for (int i = 0; i < 4; i++) {
                try (MemoryScope phase = MemoryScope.openPhase(Device.CPU)) {
                    Tensor.ones(5);
                }
            }
            assertSame(first, array(Tensor.zeros(BIG + 13)));
        }
    }

    @Test
    void aLongLivedScopeDropsTheEntriesOfStoragesThatLeftIt() {
        try (CpuArena s = CpuArena.open()) {
            for (int i = 0; i < 50_000; i++) {
                s.keep(Tensor.zeros(CpuArena.MIN_ELEMENTS)); // tracked, then departed at once
            }
            Tensor owned = Tensor.zeros(CpuArena.MIN_ELEMENTS);
            assertTrue(s.trackedEntries() <= 2 * 4096 + 1, "entries " + s.trackedEntries());
            assertEquals(1, s.size());
            assertTrue(s.owns(owned));
        }
    }
}
