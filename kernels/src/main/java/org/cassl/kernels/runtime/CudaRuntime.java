package org.cassl.kernels.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import org.cassl.kernels.memory.Block;
import org.cassl.kernels.memory.CachingAllocator;
import org.cassl.tensor.Device;

/**
 * {@link DeviceRuntime} over the JCuda driver API for one device: the device's primary context
 * (bound to the calling thread before every driver call, so any thread may use the backend), one
 * non-blocking stream on which all work is queued, lazily loaded kernel modules, a caching
 * allocator, pinned staging buffers for host transfers and the device error word.
 *
 * <p>With {@code -Dcassl.cuda.sync=true} every launch is followed by a synchronisation and an
 * error check, which pins an asynchronous fault to the kernel that caused it.
 */
public final class CudaRuntime implements DeviceRuntime {
    /** Staging chunk for host transfers. */
    private static final int STAGING_BYTES = 8 << 20;
    private static final CUdeviceptr ZERO = new CUdeviceptr();

    private final Device device;
    private final DeviceProperties props;
    private final CUdevice cuDevice = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final CachingAllocator allocator;
    private final KernelLibrary kernels;
    private final boolean syncEveryLaunch = Boolean.getBoolean("cassl.cuda.sync");
    private final Pointer staging = new Pointer();
    private final ByteBuffer stagingBuffer;
    private final Block errorBlock;
    /** The context each thread has current, as far as cassl set it (shared by all runtimes). */
    private static final ThreadLocal<CUcontext> CURRENT = new ThreadLocal<>();
    private volatile boolean closed;

    /** Opens device {@code ordinal}; the driver must be available ({@link DriverProbe}). */
    public CudaRuntime(int ordinal) {
        JCudaDriver.setExceptionsEnabled(false);
        CudaCheck.check(JCudaDriver.cuDeviceGet(cuDevice, ordinal), "cuDeviceGet(" + ordinal + ")");
        CudaCheck.check(JCudaDriver.cuDevicePrimaryCtxRetain(context, cuDevice), "cuDevicePrimaryCtxRetain");
        bind();
        this.device = Device.cuda(ordinal);
        this.props = readProperties(ordinal);
        CudaCheck.check(JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        this.allocator = new CachingAllocator(new CudaDeviceMemory(this));
        this.kernels = new KernelLibrary(props);
        CudaCheck.check(JCudaDriver.cuMemHostAlloc(staging, STAGING_BYTES, 0), "cuMemHostAlloc(staging)");
        this.stagingBuffer = staging.getByteBuffer(0, STAGING_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        this.errorBlock = allocator.allocate(32);
        checkRawAddressing();
        CudaCheck.check(JCudaDriver.cuMemsetD8(ptr(errorBlock.address()), (byte) 0, 32), "cuMemsetD8(error word)");
    }

    /**
     * All device addresses are passed to JCuda as a null pointer plus a byte offset; check once
     * that a write through such a pointer lands where the allocation's own pointer object reads.
     */
    private void checkRawAddressing() {
        CudaCheck.check(JCudaDriver.cuMemsetD8(ptr(errorBlock.address() + 8), (byte) 0x5a, 8), "cuMemsetD8(check)");
        byte[] back = new byte[16];
        CudaCheck.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(back), (CUdeviceptr) errorBlock.handle(), 16),
                "cuMemcpyDtoH(check)");
        if (back[8] != 0x5a || back[15] != 0x5a) {
            throw new CudaException("JCuda does not address device memory by pointer offsets as expected", -1);
        }
    }

    private DeviceProperties readProperties(int ordinal) {
        byte[] name = new byte[256];
        JCudaDriver.cuDeviceGetName(name, name.length, cuDevice);
        int n = 0;
        while (n < name.length && name[n] != 0) {
            n++;
        }
        long[] total = new long[1];
        JCudaDriver.cuDeviceTotalMem(total, cuDevice);
        return new DeviceProperties(ordinal, new String(name, 0, n, StandardCharsets.US_ASCII),
                attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT), total[0]);
    }

    private int attribute(int attr) {
        int[] v = new int[1];
        CudaCheck.check(JCudaDriver.cuDeviceGetAttribute(v, attr, cuDevice), "cuDeviceGetAttribute(" + attr + ")");
        return v[0];
    }

    /** A JCuda device pointer for a raw address (JCuda adds the byte offset to a null base). */
    static CUdeviceptr ptr(long address) {
        return ZERO.withByteOffset(address);
    }

    /** A JCuda device pointer for a raw device address, for libraries such as cuBLAS. */
    public static CUdeviceptr devicePointer(long address) {
        return ptr(address);
    }

    /** Makes this device's context current on the calling thread (a no-op when it already is). */
    void bind() {
        if (closed) {
            throw new IllegalStateException(device + " runtime is closed");
        }
        if (CURRENT.get() != context) {
            CudaCheck.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            CURRENT.set(context);
        }
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public DeviceProperties properties() {
        return props;
    }

    @Override
    public CachingAllocator allocator() {
        return allocator;
    }

    @Override
    public KernelHandle kernel(String module, String function) {
        bind();
        return kernels.kernel(module, function);
    }

    /** How each loaded module was loaded (cubin via the PTX compiler, or driver JIT). */
    public Map<String, String> moduleLoaders() {
        return kernels.loadedWith();
    }

    @Override
    public void launch(KernelHandle kernel, LaunchConfig c, KernelArgs args) {
        PtxSignatures.check(kernel.name(), kernel.paramSizes(), args);
        bind();
        List<byte[]> params = args.params();
        Pointer[] ps = new Pointer[params.size()];
        for (int i = 0; i < ps.length; i++) {
            ps[i] = Pointer.to(params.get(i));
        }
        int rc = JCudaDriver.cuLaunchKernel((CUfunction) kernel.function(), c.gridX(), c.gridY(), c.gridZ(), c.blockX(),
                c.blockY(), 1, c.sharedBytes(), stream, Pointer.to(ps), null);
        CudaCheck.check(rc, "cuLaunchKernel(" + kernel + ", grid " + c.gridX() + "x" + c.gridY() + "x" + c.gridZ()
                + ", block " + c.blockX() + "x" + c.blockY() + ")");
        if (syncEveryLaunch) {
            CudaCheck.check(JCudaDriver.cuStreamSynchronize(stream), "kernel " + kernel + " (synchronous check)");
        }
    }

    @Override
    public void memset8(long address, int value, long bytes) {
        if (bytes == 0) {
            return;
        }
        bind();
        CudaCheck.check(JCudaDriver.cuMemsetD8Async(ptr(address), (byte) value, bytes, stream), "cuMemsetD8Async");
    }

    @Override
    public void memset32(long address, int value, long count) {
        if (count == 0) {
            return;
        }
        bind();
        CudaCheck.check(JCudaDriver.cuMemsetD32Async(ptr(address), value, count, stream), "cuMemsetD32Async");
    }

    @Override
    public void copyDeviceToDevice(long dst, long src, long bytes) {
        if (bytes == 0) {
            return;
        }
        bind();
        CudaCheck.check(JCudaDriver.cuMemcpyDtoDAsync(ptr(dst), ptr(src), bytes, stream), "cuMemcpyDtoDAsync");
    }

    @Override
    public synchronized void upload(long dst, Object hostArray, int first, int count) {
        bind();
        int es = HostBuffers.elementSize(hostArray);
        int perChunk = STAGING_BYTES / es;
        for (int done = 0; done < count; done += perChunk) {
            int n = Math.min(perChunk, count - done);
            HostBuffers.put(stagingBuffer, hostArray, first + done, n);
            CudaCheck.check(JCudaDriver.cuMemcpyHtoDAsync(ptr(dst + (long) done * es), staging, (long) n * es, stream),
                    "cuMemcpyHtoDAsync");
            // the staging buffer is reused by the next chunk (and the next call)
            CudaCheck.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize (upload)");
        }
    }

    @Override
    public synchronized void download(long src, Object hostArray, int first, int count) {
        bind();
        int es = HostBuffers.elementSize(hostArray);
        int perChunk = STAGING_BYTES / es;
        if (count == 0) {
            synchronize();
        }
        for (int done = 0; done < count; done += perChunk) {
            int n = Math.min(perChunk, count - done);
            CudaCheck.check(JCudaDriver.cuMemcpyDtoHAsync(staging, ptr(src + (long) done * es), (long) n * es, stream),
                    "cuMemcpyDtoHAsync");
            CudaCheck.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize (download)");
            HostBuffers.get(stagingBuffer, hostArray, first + done, n);
        }
    }

    @Override
    public void synchronize() {
        bind();
        CudaCheck.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    @Override
    public long errorWord() {
        return errorBlock.address();
    }

    @Override
    public synchronized long[] takeError() {
        long[] w = new long[4];
        download(errorBlock.address(), w, 0, 4);
        if (w[0] == 0) {
            return null;
        }
        memset8(errorBlock.address(), 0, 32);
        return w;
    }

    @Override
    public float timeMillis(Runnable body) {
        bind();
        CUevent start = new CUevent();
        CUevent stop = new CUevent();
        CudaCheck.check(JCudaDriver.cuEventCreate(start, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
        CudaCheck.check(JCudaDriver.cuEventCreate(stop, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
        try {
            CudaCheck.check(JCudaDriver.cuEventRecord(start, stream), "cuEventRecord");
            body.run();
            CudaCheck.check(JCudaDriver.cuEventRecord(stop, stream), "cuEventRecord");
            CudaCheck.check(JCudaDriver.cuEventSynchronize(stop), "cuEventSynchronize");
            float[] ms = new float[1];
            CudaCheck.check(JCudaDriver.cuEventElapsedTime(ms, start, stop), "cuEventElapsedTime");
            return ms[0];
        } finally {
            JCudaDriver.cuEventDestroy(start);
            JCudaDriver.cuEventDestroy(stop);
        }
    }

    /** The stream all work is queued on (for cuBLAS). */
    public CUstream stream() {
        return stream;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        bind();
        JCudaDriver.cuStreamSynchronize(stream);
        kernels.unloadAll();
        allocator.releaseAll();
        JCudaDriver.cuMemFreeHost(staging);
        JCudaDriver.cuStreamDestroy(stream);
        JCudaDriver.cuDevicePrimaryCtxRelease(cuDevice);
        CURRENT.remove();
        closed = true;
    }
}
