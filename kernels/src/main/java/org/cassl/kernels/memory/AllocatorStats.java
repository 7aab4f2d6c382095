package org.cassl.kernels.memory;

/**
 * A snapshot of the caching allocator's counters.
 *
 * @param bytesInUse       bytes of blocks currently handed out (size classes, not requests)
 * @param bytesCached      bytes of freed blocks kept for reuse
 * @param peakBytesInUse   the maximum of {@code bytesInUse} since creation or {@code resetPeak}
 * @param deviceAllocations number of allocations made on the device
 * @param deviceFrees      number of device frees (cache trimming)
 * @param requests         number of non-empty allocation requests
 * @param cacheHits        requests served from the cache
 * @param oomRetries       times an out-of-memory was answered by emptying the cache and retrying
 */
public record AllocatorStats(long bytesInUse, long bytesCached, long peakBytesInUse, long deviceAllocations,
                             long deviceFrees, long requests, long cacheHits, long oomRetries) {

    @Override
    public String toString() {
        return String.format("in use %.1f MiB (peak %.1f MiB), cached %.1f MiB, %d device allocations, %d/%d cache hits",
                bytesInUse / 1048576.0, peakBytesInUse / 1048576.0, bytesCached / 1048576.0, deviceAllocations,
                cacheHits, requests);
    }
}
