package org.cassl.kernels.fake;

import java.util.Map;
import java.util.TreeMap;
import org.cassl.kernels.memory.Block;
import org.cassl.kernels.memory.DeviceMemory;
import org.cassl.kernels.memory.DeviceOutOfMemoryException;

/**
 * Device memory simulated in the JVM heap: allocations get distinct 512-byte-aligned addresses and
 * real byte arrays behind them, so copies, memsets and host transfers can be checked; a capacity
 * makes out-of-memory reproducible.
 */
public final class FakeDeviceMemory implements DeviceMemory {
    private final long capacity;
    private final TreeMap<Long, byte[]> blocks = new TreeMap<>();
    private long next = 1L << 32;
    private long used;
    private int allocations;
    private int frees;

    public FakeDeviceMemory(long capacity) {
        this.capacity = capacity;
    }

    @Override
    public synchronized Block allocate(long bytes) {
        if (used + bytes > capacity) {
            throw new DeviceOutOfMemoryException(bytes, "fake device has " + (capacity - used) + " bytes free");
        }
        long a = next;
        next += (bytes + 511) / 512 * 512 + 512;  // a gap between blocks catches overruns in lookups
        blocks.put(a, new byte[(int) bytes]);
        used += bytes;
        allocations++;
        return new Block(a, bytes, null);
    }

    @Override
    public synchronized void free(Block block) {
        byte[] b = blocks.remove(block.address());
        if (b == null) {
            throw new IllegalStateException("fake free of unknown " + block);
        }
        used -= b.length;
        frees++;
    }

    @Override
    public synchronized long freeBytes() {
        return capacity - used;
    }

    @Override
    public long totalBytes() {
        return capacity;
    }

    public synchronized int allocations() {
        return allocations;
    }

    public synchronized int frees() {
        return frees;
    }

    public synchronized long used() {
        return used;
    }

    /** The allocation containing [address, address + bytes), or an exception naming the bad range. */
    public synchronized Map.Entry<Long, byte[]> resolve(long address, long bytes) {
        Map.Entry<Long, byte[]> e = blocks.floorEntry(address);
        if (e == null || address + bytes > e.getKey() + e.getValue().length) {
            throw new IllegalStateException("access of " + bytes + " bytes at 0x" + Long.toHexString(address)
                    + " is outside every live allocation");
        }
        return e;
    }

    /** Whether an address lies inside a live allocation (or is one past its end). */
    public synchronized boolean isLive(long address) {
        Map.Entry<Long, byte[]> e = blocks.floorEntry(address);
        return e != null && address <= e.getKey() + e.getValue().length;
    }
}
