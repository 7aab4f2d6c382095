package org.cassl.kernels.fake;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cassl.kernels.memory.Block;
import org.cassl.kernels.memory.CachingAllocator;
import org.cassl.kernels.runtime.DeviceProperties;
import org.cassl.kernels.runtime.DeviceRuntime;
import org.cassl.kernels.runtime.HostBuffers;
import org.cassl.kernels.runtime.KernelArgs;
import org.cassl.kernels.runtime.KernelHandle;
import org.cassl.kernels.runtime.LaunchConfig;
import org.cassl.kernels.runtime.PtxSignatures;
import org.cassl.kernels.runtime.PtxSource;
import org.cassl.tensor.Device;

/**
 * A {@link DeviceRuntime} that runs no kernels: it checks and records every launch against the
 * PTX shipped in the jar (the kernel exists, the argument count and sizes match its parameters,
 * every pointer argument is null or inside a live allocation, the launch shape is legal) and
 * simulates memory, memsets, copies and host transfers exactly. That exercises every launcher of
 * the backend on a machine without a GPU.
 */
public final class RecordingRuntime implements DeviceRuntime {
    /** One recorded launch. */
    public record Launch(KernelHandle kernel, LaunchConfig config, KernelArgs args) {
    }

    private final FakeDeviceMemory memory;
    private final CachingAllocator allocator;
    private final DeviceProperties props;
    private final Map<String, PtxSignatures> modules = new HashMap<>();
    private final List<Launch> launches = new ArrayList<>();
    private final Block errorBlock;
    private final int deviceIndex;
    private long[] pendingError;

    public RecordingRuntime(int sm, long capacity) {
        this(sm, capacity, 0);
    }

    /** A fake device {@code cuda:deviceIndex}. */
    public RecordingRuntime(int sm, long capacity, int deviceIndex) {
        this.deviceIndex = deviceIndex;
        this.memory = new FakeDeviceMemory(capacity);
        this.allocator = new CachingAllocator(memory);
        this.props = new DeviceProperties(0, "fake sm_" + sm, sm / 10, sm % 10, 4, capacity);
        this.errorBlock = allocator.allocate(32);
    }

    public RecordingRuntime() {
        this(90, 1L << 30);
    }

    public FakeDeviceMemory memory() {
        return memory;
    }

    public synchronized List<Launch> launches() {
        return Collections.unmodifiableList(new ArrayList<>(launches));
    }

    public synchronized void clearLaunches() {
        launches.clear();
    }

    /** Makes the next {@link #takeError} report this error word (code, value, bound). */
    public synchronized void injectError(long code, long value, long bound) {
        pendingError = new long[] {code, value, bound, 0};
    }

    @Override
    public Device device() {
        return Device.cuda(deviceIndex);
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
    public synchronized KernelHandle kernel(String module, String function) {
        PtxSignatures sig = modules.computeIfAbsent(module, m -> PtxSignatures.parse(PtxSource.forAssembly(m)));
        int[] sizes = sig.sizes(function);
        if (sizes == null) {
            throw new IllegalArgumentException("PTX module " + module + " has no kernel " + function);
        }
        if (props.sm() < PtxSource.minimumSm(module)) {
            throw new UnsupportedOperationException(module + " needs sm_" + PtxSource.minimumSm(module));
        }
        return new KernelHandle(module, function, sizes, null);
    }

    @Override
    public synchronized void launch(KernelHandle kernel, LaunchConfig config, KernelArgs args) {
        PtxSignatures.check(kernel.name(), kernel.paramSizes(), args);
        for (int i = 0; i < args.count(); i++) {
            if (args.kinds().get(i) == KernelArgs.Kind.POINTER) {
                long a = ByteBuffer.wrap(args.params().get(i)).order(ByteOrder.LITTLE_ENDIAN).getLong();
                if (a != 0 && !memory.isLive(a)) {
                    throw new IllegalStateException("kernel " + kernel + " argument " + i + " points to 0x"
                            + Long.toHexString(a) + ", which is not live device memory");
                }
            }
        }
        launches.add(new Launch(kernel, config, args));
    }

    @Override
    public void memset8(long address, int value, long bytes) {
        if (bytes == 0) {
            return;
        }
        Map.Entry<Long, byte[]> e = memory.resolve(address, bytes);
        int off = (int) (address - e.getKey());
        java.util.Arrays.fill(e.getValue(), off, off + (int) bytes, (byte) value);
    }

    @Override
    public void memset32(long address, int value, long count) {
        if (count == 0) {
            return;
        }
        Map.Entry<Long, byte[]> e = memory.resolve(address, count * 4);
        ByteBuffer b = ByteBuffer.wrap(e.getValue()).order(ByteOrder.LITTLE_ENDIAN);
        int off = (int) (address - e.getKey());
        for (int i = 0; i < count; i++) {
            b.putInt(off + 4 * i, value);
        }
    }

    @Override
    public void copyDeviceToDevice(long dst, long src, long bytes) {
        if (bytes == 0) {
            return;
        }
        Map.Entry<Long, byte[]> s = memory.resolve(src, bytes);
        Map.Entry<Long, byte[]> d = memory.resolve(dst, bytes);
        System.arraycopy(s.getValue(), (int) (src - s.getKey()), d.getValue(), (int) (dst - d.getKey()), (int) bytes);
    }

    @Override
    public void upload(long dst, Object hostArray, int first, int count) {
        int es = HostBuffers.elementSize(hostArray);
        Map.Entry<Long, byte[]> d = memory.resolve(dst, (long) count * es);
        ByteBuffer tmp = ByteBuffer.allocate(count * es);
        HostBuffers.put(tmp, hostArray, first, count);
        System.arraycopy(tmp.array(), 0, d.getValue(), (int) (dst - d.getKey()), count * es);
    }

    @Override
    public void download(long src, Object hostArray, int first, int count) {
        int es = HostBuffers.elementSize(hostArray);
        Map.Entry<Long, byte[]> s = memory.resolve(src, (long) count * es);
        ByteBuffer tmp = ByteBuffer.allocate(count * es);
        System.arraycopy(s.getValue(), (int) (src - s.getKey()), tmp.array(), 0, count * es);
        HostBuffers.get(tmp, hostArray, first, count);
    }

    @Override
    public void synchronize() {
    }

    @Override
    public long errorWord() {
        return errorBlock.address();
    }

    @Override
    public synchronized long[] takeError() {
        long[] e = pendingError;
        pendingError = null;
        return e;
    }

    @Override
    public float timeMillis(Runnable body) {
        body.run();
        return 0f;
    }

    @Override
    public void close() {
        allocator.releaseAll();
    }
}
