package org.cassl.kernels.runtime;

/** A CUDA driver call failed; the message names the call and the driver's error. */
public final class CudaException extends RuntimeException {
    private final int code;

    public CudaException(String message, int code) {
        super(message);
        this.code = code;
    }

    /** The {@code CUresult} code, or -1 when the failure did not come from a driver call. */
    public int code() {
        return code;
    }
}
