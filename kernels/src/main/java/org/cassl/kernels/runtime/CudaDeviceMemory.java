package org.cassl.kernels.runtime;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import org.cassl.kernels.memory.Block;
import org.cassl.kernels.memory.DeviceMemory;
import org.cassl.kernels.memory.DeviceOutOfMemoryException;

/** {@link DeviceMemory} over {@code cuMemAlloc}/{@code cuMemFree} in a runtime's context. */
final class CudaDeviceMemory implements DeviceMemory {
    private final CudaRuntime runtime;

    CudaDeviceMemory(CudaRuntime runtime) {
        this.runtime = runtime;
    }

    /** A device pointer that can report its address (the JCuda field is protected). */
    static final class AddressablePointer extends CUdeviceptr {
        long address() {
            return getNativePointer() + getByteOffset();
        }
    }

    @Override
    public Block allocate(long bytes) {
        runtime.bind();
        AddressablePointer p = new AddressablePointer();
        int rc = JCudaDriver.cuMemAlloc(p, bytes);
        if (rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            throw new DeviceOutOfMemoryException(bytes, "cuMemAlloc: CUDA_ERROR_OUT_OF_MEMORY");
        }
        CudaCheck.check(rc, "cuMemAlloc(" + bytes + " bytes)");
        return new Block(p.address(), bytes, p);
    }

    @Override
    public void free(Block block) {
        runtime.bind();
        CudaCheck.check(JCudaDriver.cuMemFree((CUdeviceptr) block.handle()), "cuMemFree");
    }

    @Override
    public long freeBytes() {
        runtime.bind();
        long[] free = new long[1];
        long[] total = new long[1];
        JCudaDriver.cuMemGetInfo(free, total);
        return free[0];
    }

    @Override
    public long totalBytes() {
        return runtime.properties().totalMemory();
    }
}
