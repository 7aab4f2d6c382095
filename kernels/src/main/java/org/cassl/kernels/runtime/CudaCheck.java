package org.cassl.kernels.runtime;

import jcuda.driver.CUresult;

/** Turns driver result codes into exceptions. */
public final class CudaCheck {
    private CudaCheck() {
    }

    /** Throws a {@link CudaException} naming {@code what} unless {@code result} is CUDA_SUCCESS. */
    public static void check(int result, String what) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException(what + " failed: " + CUresult.stringFor(result), result);
        }
    }
}
