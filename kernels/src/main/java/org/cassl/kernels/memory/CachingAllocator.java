package org.cassl.kernels.memory;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A caching device allocator. Requests are rounded to a {@link SizeClasses size class}; freed
 * blocks go to a free list per class and serve later requests of the same class without a device
 * call (device allocation and free synchronise the device, so reuse matters). When the device is
 * out of memory the cache is released once and the request retried; if it still fails a
 * {@link CudaOutOfMemoryException} reports the request and the device's free bytes.
 *
 * <p>All work on one backend runs on one stream, so a block released while kernels that use it are
 * still queued can be handed out again at once: its next user is queued behind them. Thread-safe
 * (the Cleaner thread returns blocks of forgotten storages).
 */
public final class CachingAllocator {
    private final DeviceMemory memory;
    private final TreeMap<Long, ArrayDeque<Block>> free = new TreeMap<>();
    private final Map<Block, Boolean> live = new IdentityHashMap<>();
    private long bytesInUse;
    private long bytesCached;
    private long peak;
    private long deviceAllocations;
    private long deviceFrees;
    private long requests;
    private long cacheHits;
    private long oomRetries;
    private boolean closed;

    public CachingAllocator(DeviceMemory memory) {
        this.memory = memory;
    }

    /** A block of at least {@code bytes} bytes; {@link Block#EMPTY} for 0. */
    public synchronized Block allocate(long bytes) {
        if (closed) {
            throw new IllegalStateException("allocator is closed");
        }
        long size = SizeClasses.roundUp(bytes);
        if (size == 0) {
            return Block.EMPTY;
        }
        requests++;
        Block b = takeCached(size);
        if (b != null) {
            cacheHits++;
        } else {
            b = allocateOnDevice(bytes, size);
        }
        live.put(b, Boolean.TRUE);
        bytesInUse += size;
        peak = Math.max(peak, bytesInUse);
        return b;
    }

    private Block takeCached(long size) {
        ArrayDeque<Block> q = free.get(size);
        if (q == null || q.isEmpty()) {
            return null;
        }
        Block b = q.pop();
        if (q.isEmpty()) {
            free.remove(size);
        }
        bytesCached -= size;
        return b;
    }

    private Block allocateOnDevice(long requested, long size) {
        try {
            Block b = memory.allocate(size);
            deviceAllocations++;
            return b;
        } catch (DeviceOutOfMemoryException first) {
            oomRetries++;
            long cachedBefore = bytesCached;
            releaseCache();
            try {
                Block b = memory.allocate(size);
                deviceAllocations++;
                return b;
            } catch (DeviceOutOfMemoryException second) {
                long freeBytes = memory.freeBytes();
                throw new CudaOutOfMemoryException(String.format(
                        "CUDA out of memory: tried to allocate %d bytes (%.2f MiB, size class %d); the device has %d bytes "
                                + "(%.2f MiB) free of %.2f MiB; this allocator holds %.2f MiB in use and had %.2f MiB cached "
                                + "(released and retried)",
                        requested, requested / 1048576.0, size, freeBytes, freeBytes / 1048576.0,
                        memory.totalBytes() / 1048576.0, bytesInUse / 1048576.0, cachedBefore / 1048576.0), requested,
                        freeBytes);
            }
        }
    }

    /** Returns a block to the cache. Releasing {@link Block#EMPTY} does nothing. */
    public synchronized void release(Block b) {
        if (b == Block.EMPTY || closed) {
            return;  // after releaseAll the memory is gone already
        }
        if (live.remove(b) == null) {
            throw new IllegalStateException("release of " + b + " which is not allocated (double free?)");
        }
        bytesInUse -= b.size();
        bytesCached += b.size();
        free.computeIfAbsent(b.size(), k -> new ArrayDeque<>()).push(b);
    }

    /** Frees every cached block on the device (blocks in use are untouched). */
    public synchronized void emptyCache() {
        releaseCache();
    }

    private void releaseCache() {
        for (ArrayDeque<Block> q : free.values()) {
            for (Block b : q) {
                memory.free(b);
                deviceFrees++;
            }
        }
        free.clear();
        bytesCached = 0;
    }

    /** Frees everything, including blocks still in use (backend shutdown); later releases are ignored. */
    public synchronized void releaseAll() {
        closed = true;
        releaseCache();
        for (Block b : live.keySet()) {
            memory.free(b);
            deviceFrees++;
        }
        live.clear();
        bytesInUse = 0;
    }

    public synchronized AllocatorStats stats() {
        return new AllocatorStats(bytesInUse, bytesCached, peak, deviceAllocations, deviceFrees, requests, cacheHits,
                oomRetries);
    }

    /** Starts peak tracking afresh from the current usage. */
    public synchronized void resetPeak() {
        peak = bytesInUse;
    }

    public DeviceMemory memory() {
        return memory;
    }
}
