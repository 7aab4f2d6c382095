package org.cassl.kernels.memory;

/**
 * Device memory is exhausted even after the allocator's cache was released. The message gives
 * the request, the device's free bytes and what the allocator holds.
 */
public final class CudaOutOfMemoryException extends RuntimeException {
    private final long requestedBytes;
    private final long freeBytes;

    public CudaOutOfMemoryException(String message, long requestedBytes, long freeBytes) {
        super(message);
        this.requestedBytes = requestedBytes;
        this.freeBytes = freeBytes;
    }

    public long requestedBytes() {
        return requestedBytes;
    }

    public long freeBytes() {
        return freeBytes;
    }
}
