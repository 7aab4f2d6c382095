package org.cassl.kernels.memory;

/**
 * Raw device memory as the caching allocator sees it: allocate, free, and how much is left. The
 * CUDA implementation wraps {@code cuMemAlloc}/{@code cuMemFree}; tests use an in-process fake.
 */
public interface DeviceMemory {

    /**
     * A new allocation of exactly {@code bytes} (> 0) bytes.
     *
     * @throws DeviceOutOfMemoryException when the device has no room
     */
    Block allocate(long bytes);

    /** Returns an allocation made by {@link #allocate} to the device. */
    void free(Block block);

    /** Free bytes on the device now (for error messages and statistics). */
    long freeBytes();

    /** Total bytes of the device. */
    long totalBytes();
}
