package org.cassl.kernels.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.cassl.kernels.fake.FakeDeviceMemory;
import org.junit.jupiter.api.Test;

/** The allocator's bookkeeping against simulated device memory. */
class CachingAllocatorTest {

    @Test
    void freedBlocksAreReusedForTheSameSizeClass() {
        FakeDeviceMemory mem = new FakeDeviceMemory(1 << 24);
        CachingAllocator a = new CachingAllocator(mem);
        Block b1 = a.allocate(1000);
        assertEquals(1024, b1.size());
        a.release(b1);
        Block b2 = a.allocate(1020);           // same class (1024)
        assertSame(b1, b2);
        Block b3 = a.allocate(2000);           // different class: a new device allocation
        assertNotSame(b1, b3);
        AllocatorStats s = a.stats();
        assertEquals(2, s.deviceAllocations());
        assertEquals(3, s.requests());
        assertEquals(1, s.cacheHits());
        assertEquals(1024 + 2048, s.bytesInUse());
        assertEquals(0, s.bytesCached());
        assertEquals(2, mem.allocations());
    }

    @Test
    void statisticsTrackInUseCachedAndPeak() {
        CachingAllocator a = new CachingAllocator(new FakeDeviceMemory(1 << 24));
        List<Block> bs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            bs.add(a.allocate(4096));
        }
        assertEquals(4 * 4096, a.stats().peakBytesInUse());
        a.release(bs.get(0));
        a.release(bs.get(1));
        AllocatorStats s = a.stats();
        assertEquals(2 * 4096, s.bytesInUse());
        assertEquals(2 * 4096, s.bytesCached());
        assertEquals(4 * 4096, s.peakBytesInUse());
        a.resetPeak();
        assertEquals(2 * 4096, a.stats().peakBytesInUse());
    }

    @Test
    void emptyCacheFreesOnlyCachedBlocks() {
        FakeDeviceMemory mem = new FakeDeviceMemory(1 << 24);
        CachingAllocator a = new CachingAllocator(mem);
        Block keep = a.allocate(100);
        Block drop = a.allocate(100);
        a.release(drop);
        a.emptyCache();
        assertEquals(1, mem.frees());
        assertEquals(0, a.stats().bytesCached());
        assertEquals(512, mem.used());
        a.release(keep);
        assertEquals(512, a.stats().bytesCached());
    }

    @Test
    void outOfMemoryReleasesTheCacheAndRetriesOnce() {
        FakeDeviceMemory mem = new FakeDeviceMemory(3 * 4096);
        CachingAllocator a = new CachingAllocator(mem);
        Block x = a.allocate(4096);
        Block y = a.allocate(4096);
        a.release(x);
        a.release(y);                          // 8 KiB cached, device has 4 KiB free
        Block big = a.allocate(3 * 4096 - 1000);  // class 11776 -> needs the cache back
        assertEquals(1, a.stats().oomRetries());
        assertEquals(0, a.stats().bytesCached());
        assertTrue(big.size() >= 3 * 4096 - 1000);
    }

    @Test
    void outOfMemoryAfterRetryReportsRequestAndFreeBytes() {
        CachingAllocator a = new CachingAllocator(new FakeDeviceMemory(8192));
        a.allocate(4096);
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> a.allocate(6000));
        assertEquals(6000, e.requestedBytes());
        assertEquals(4096, e.freeBytes());
        assertTrue(e.getMessage().contains("tried to allocate 6000 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("4096 bytes"), e.getMessage());
    }

    @Test
    void doubleReleaseIsDetected() {
        CachingAllocator a = new CachingAllocator(new FakeDeviceMemory(1 << 20));
        Block b = a.allocate(10);
        a.release(b);
        assertThrows(IllegalStateException.class, () -> a.release(b));
    }

    @Test
    void zeroBytesNeedNoDeviceMemory() {
        FakeDeviceMemory mem = new FakeDeviceMemory(1 << 20);
        CachingAllocator a = new CachingAllocator(mem);
        Block b = a.allocate(0);
        assertSame(Block.EMPTY, b);
        a.release(b);
        assertEquals(0, mem.allocations());
        assertEquals(0, a.stats().requests());
    }

    @Test
    void releaseAllFreesEverythingAndIgnoresLateReleases() {
        FakeDeviceMemory mem = new FakeDeviceMemory(1 << 20);
        CachingAllocator a = new CachingAllocator(mem);
        Block live = a.allocate(100);
        a.release(a.allocate(5000));
        a.releaseAll();
        assertEquals(0, mem.used());
        a.release(live);                       // e.g. a Cleaner after backend shutdown: harmless
        assertThrows(IllegalStateException.class, () -> a.allocate(1));
    }

    @Test
    void concurrentAllocateReleaseKeepsCountsConsistent() throws InterruptedException {
        CachingAllocator a = new CachingAllocator(new FakeDeviceMemory(1L << 30));
        Thread[] ts = new Thread[4];
        for (int t = 0; t < ts.length; t++) {
            final int seed = t;
            ts[t] = new Thread(() -> {
                java.util.Random r = new java.util.Random(seed);
                for (int i = 0; i < 2000; i++) {
                    Block b = a.allocate(1 + r.nextInt(100_000));
                    a.release(b);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        AllocatorStats s = a.stats();
        assertEquals(0, s.bytesInUse());
        assertEquals(8000, s.requests());
        assertEquals(s.requests() - s.deviceAllocations(), s.cacheHits());
    }
}
