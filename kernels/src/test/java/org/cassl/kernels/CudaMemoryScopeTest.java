package org.cassl.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.cassl.kernels.emu.EmulatedRuntime;
import org.cassl.kernels.fake.RecordingRuntime;
import org.cassl.kernels.runtime.DeviceRuntime;
import org.cassl.tensor.DType;
import org.cassl.tensor.MemoryScope;
import org.cassl.tensor.Shapes;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link MemoryScope}s and {@link Tensor#release()} on the CUDA backend: what a scope owns goes back
 * to the caching allocator when it closes, kept tensors move outwards, scopes of other devices and
 * threads are not involved, and release is idempotent. Run on the recording fake and, where it
 * builds, on the kernel emulator.
 */
class CudaMemoryScopeTest {

    /** A backend over a fresh runtime, and that runtime's bytes in use. */
    private record Dev(CudaBackend be, DeviceRuntime rt) {
        long inUse() {
            return rt.allocator().stats().bytesInUse();
        }

        Tensor f32(int... shape) {
            float[] d = new float[Shapes.numel(shape)];
            for (int i = 0; i < d.length; i++) {
                d[i] = i + 1;
            }
            return new Tensor(be.upload(DType.F32, d), shape, Shapes.contiguousStrides(shape), 0);
        }

        Tensor out(Tensor x) {
            Tensor y = new Tensor(be.allocate(DType.F32, x.numel()), x.shape(), Shapes.contiguousStrides(x.shape()), 0);
            be.copy(x, y);
            return y;
        }
    }

    private static List<DynamicTest> onEveryRuntime(String name, java.util.function.Consumer<Dev> body) {
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest(name + " (recording fake)", () -> run(new RecordingRuntime(), body)));
        if (EmulatedRuntime.unavailableReason() == null) {
            tests.add(DynamicTest.dynamicTest(name + " (kernel emulator)", () -> run(new EmulatedRuntime(75, 2), body)));
        }
        return tests;
    }

    private static void run(DeviceRuntime rt, java.util.function.Consumer<Dev> body) {
        CudaBackend be = new CudaBackend(rt, null);
        try {
            body.accept(new Dev(be, rt));
        } finally {
            be.close();
        }
    }

    private static boolean released(Tensor t) {
        return ((CudaStorage) t.storage()).isClosed();
    }

    @TestFactory
    List<DynamicTest> aScopeFreesItsTemporariesAndKeepsWhatWasKept() {
        return onEveryRuntime("scope", d -> {
            long base = d.inUse();
            Tensor before = d.f32(8);
            long withBefore = d.inUse();
            Tensor kept;
            Tensor temp;
            Tensor computed;
            long inside;
            try (MemoryScope scope = d.be.openScope()) {
                assertInstanceOf(CudaMemoryScope.class, scope);
                temp = d.f32(1000);
                computed = d.out(temp);                  // an op's output is owned too
                Tensor k = d.f32(16);
                assertEquals(3, scope.size());
                kept = scope.keep(k.reshape(4, 4));     // keeping a view keeps its storage
                assertEquals(2, scope.size());
                assertEquals(kept, scope.keep(kept), "keeping twice is harmless");
                scope.keep(before);                      // not owned: nothing happens
                assertEquals(2, scope.size());
                inside = d.inUse();
            }
            assertTrue(released(temp) && released(computed), "temporaries released");
            assertFalse(released(kept) || released(before), "kept and older tensors survive");
            assertTrue(d.inUse() > withBefore && d.inUse() < inside, "only the kept block stays in use");
            assertArrayEquals(new float[] {1, 2, 3, 4}, java.util.Arrays.copyOf((float[]) d.be.download(kept), 4));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.be.download(temp));
            assertTrue(e.getMessage().contains("already released"), e.getMessage());
            kept.release();
            assertEquals(withBefore, d.inUse());
            before.release();
            assertEquals(base, d.inUse());
        });
    }

    @TestFactory
    List<DynamicTest> nestedScopesHandKeptTensorsOutwards() {
        return onEveryRuntime("nested", d -> {
            long base = d.inUse();
            Tensor outerTemp;
            Tensor innerTemp;
            Tensor promoted;
            Tensor result;
            try (MemoryScope outer = d.be.openScope()) {
                outerTemp = d.f32(10);
                try (MemoryScope inner = d.be.openScope()) {
                    innerTemp = d.f32(20);
                    promoted = inner.keep(d.f32(30));
                    assertEquals(2, outer.size(), "the kept tensor moved to the outer scope at once");
                    assertEquals(1, inner.size());
                }
                assertTrue(released(innerTemp));
                assertFalse(released(promoted), "kept by the inner scope: now the outer scope's");
                assertEquals(2, outer.size());
                result = outer.keep(d.f32(5));
            }
            assertTrue(released(outerTemp) && released(promoted));
            assertFalse(released(result), "kept by the outermost scope: the caller's");
            result.release();
            assertEquals(base, d.inUse());
            MemoryScope a = d.be.openScope();
            MemoryScope b = d.be.openScope();
            assertThrows(IllegalStateException.class, a::close, "out-of-order close is refused");
            b.close();
            a.close();
            a.close();                                   // idempotent
        });
    }

    @TestFactory
    List<DynamicTest> releaseIsIdempotent() {
        return onEveryRuntime("release", d -> {
            long base = d.inUse();
            Tensor t = d.f32(64);
            Tensor view = t.slice(0, 8, 16);
            t.release();
            assertEquals(base, d.inUse());
            t.release();
            view.release();
            assertEquals(base, d.inUse(), "a second release frees nothing more");
            assertThrows(IllegalStateException.class, () -> d.be.download(view), "views die with their storage");
            try (MemoryScope scope = d.be.openScope()) {
                Tensor owned = d.f32(32);
                owned.release();                         // released early, then the scope closes it again
                assertEquals(base, d.inUse());
                assertEquals(1, scope.size());
            }
            assertEquals(base, d.inUse());
        });
    }

    @Test
    void scopesOnlyOwnTheirDeviceAndThread() throws Exception {
        CudaBackend dev0 = new CudaBackend(new RecordingRuntime(90, 1L << 30, 0), null);
        CudaBackend dev1 = new CudaBackend(new RecordingRuntime(90, 1L << 30, 1), null);
        try {
            Dev d0 = new Dev(dev0, null);
            Dev d1 = new Dev(dev1, null);
            Tensor on0;
            Tensor on1;
            Tensor otherThread;
            try (MemoryScope s0 = dev0.openScope()) {
                try (MemoryScope s1 = dev1.openScope()) {
                    on0 = d0.f32(4);                     // belongs to s0 although s1 is innermost
                    on1 = d1.f32(4);
                    assertEquals(1, s0.size());
                    assertEquals(1, s1.size());
                    AtomicReference<Tensor> ref = new AtomicReference<>();
                    Thread th = new Thread(() -> ref.set(d0.f32(4)));
                    th.start();
                    th.join();
                    otherThread = ref.get();
                    assertEquals(1, s0.size(), "another thread's allocations are not this scope's");
                }
                assertTrue(released(on1));
                assertFalse(released(on0));
            }
            assertTrue(released(on0));
            assertFalse(released(otherThread));
            otherThread.release();
        } finally {
            dev0.close();
            dev1.close();
        }
    }

    @Test
    void aScopeMustBeClosedOnItsThread() throws Exception {
        run(new RecordingRuntime(), d -> {
            MemoryScope s = d.be.openScope();
            AtomicReference<Throwable> err = new AtomicReference<>();
            Thread th = new Thread(() -> {
                try {
                    s.close();
                } catch (Throwable t) {
                    err.set(t);
                }
            });
            th.start();
            try {
                th.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertInstanceOf(IllegalStateException.class, err.get());
            s.close();
        });
    }
}
