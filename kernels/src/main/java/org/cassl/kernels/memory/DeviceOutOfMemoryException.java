package org.cassl.kernels.memory;

/** Thrown by {@link DeviceMemory#allocate} when the device cannot satisfy a request. */
public final class DeviceOutOfMemoryException extends RuntimeException {
    private final long requested;

    public DeviceOutOfMemoryException(long requested, String detail) {
        super("device out of memory allocating " + requested + " bytes: " + detail);
        this.requested = requested;
    }

    public long requested() {
        return requested;
    }
}
