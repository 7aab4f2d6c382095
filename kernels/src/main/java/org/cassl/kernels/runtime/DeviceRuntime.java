package org.cassl.kernels.runtime;

import org.cassl.kernels.memory.CachingAllocator;
import org.cassl.tensor.Device;

/**
 * Everything the CUDA operators need from a device: memory, kernels, copies and the error word.
 * {@link CudaRuntime} implements it over the JCuda driver API; tests substitute a recording fake
 * to run every launcher on the CPU. All work is queued on one stream in call order.
 */
public interface DeviceRuntime extends AutoCloseable {

    Device device();

    DeviceProperties properties();

    CachingAllocator allocator();

    /** A kernel of a PTX module ({@link PtxSource#MODULES}); loads the module on first use. */
    KernelHandle kernel(String module, String function);

    /** Queues a launch; the arguments are checked against the kernel's PTX parameters. */
    void launch(KernelHandle kernel, LaunchConfig config, KernelArgs args);

    /** Sets {@code bytes} bytes at {@code address} to {@code value} (queued). */
    void memset8(long address, int value, long bytes);

    /** Sets {@code count} 32-bit words at {@code address} (4-byte aligned) to {@code value} (queued). */
    void memset32(long address, int value, long count);

    /** Device-to-device copy (queued). */
    void copyDeviceToDevice(long dst, long src, long bytes);

    /**
     * Copies {@code count} elements of a host {@code float[]}, {@code double[]}, {@code long[]} or
     * {@code byte[]} starting at {@code first} to {@code dst}. Returns once the host array may be
     * reused.
     */
    void upload(long dst, Object hostArray, int first, int count);

    /** Copies {@code count} elements from {@code src} into a host array at {@code first}; waits for all queued work. */
    void download(long src, Object hostArray, int first, int count);

    /** Waits for all queued work. */
    void synchronize();

    /** Device address of the error word (4 longs: code, value, bound, spare), zero when clean. */
    long errorWord();

    /** Waits for queued work and returns the error word if a kernel reported an error (then clears it), else null. */
    long[] takeError();

    /**
     * Milliseconds of device time taken by the work {@code body} queues, measured with events on
     * the stream (waits for it to finish).
     */
    float timeMillis(Runnable body);

    /** Releases the stream, modules and all device memory. */
    @Override
    void close();
}
