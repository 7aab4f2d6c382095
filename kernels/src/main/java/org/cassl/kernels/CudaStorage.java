package org.cassl.kernels;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cassl.kernels.memory.Block;
import org.cassl.kernels.memory.CachingAllocator;
import org.cassl.kernels.runtime.DeviceRuntime;
import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.Storage;
import org.cassl.tensor.Tensor;

/**
 * A buffer of device memory holding {@code length} elements of one dtype. Closing it returns its
 * block to the backend's caching allocator; a {@link org.cassl.tensor.MemoryScope} of the CUDA
 * backend closes the storages created inside it. A {@link Cleaner} returns the block of a storage that becomes unreachable without being
 * closed, as a safety net only: device memory should be released deterministically.
 */
public final class CudaStorage implements Storage, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final DType dtype;
    private final int length;
    private final Device device;
    private final Release release;
    private final Cleaner.Cleanable cleanable;

    /** Returns the block once, whether by close() or by the Cleaner; holds no reference to the storage. */
    private static final class Release implements Runnable {
        private final CachingAllocator allocator;
        private final Block block;
        private final AtomicBoolean released = new AtomicBoolean();

        Release(CachingAllocator allocator, Block block) {
            this.allocator = allocator;
            this.block = block;
        }

        @Override
        public void run() {
            if (released.compareAndSet(false, true)) {
                allocator.release(block);
            }
        }
    }

    private CudaStorage(DType dtype, int length, Device device, CachingAllocator allocator, Block block) {
        this.dtype = dtype;
        this.length = length;
        this.device = device;
        this.release = new Release(allocator, block);
        this.cleanable = CLEANER.register(this, release);
    }

    /**
     * An uninitialised storage on {@code rt}'s device, owned by the innermost open
     * {@link org.cassl.tensor.MemoryScope} of that device on the calling thread if there is one.
     */
    public static CudaStorage allocate(DeviceRuntime rt, DType dtype, int length) {
        CudaStorage s = allocateTemporary(rt, dtype, length);
        CudaMemoryScope.track(s);
        return s;
    }

    /**
     * An uninitialised storage no scope tracks: for operator temporaries that their operator
     * closes itself.
     */
    public static CudaStorage allocateTemporary(DeviceRuntime rt, DType dtype, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative storage length " + length);
        }
        Block b = rt.allocator().allocate((long) length * dtype.byteSize());
        return new CudaStorage(dtype, length, rt.device(), rt.allocator(), b);
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public Device device() {
        return device;
    }

    /** Device address of element 0. */
    public long address() {
        if (release.released.get()) {
            throw new IllegalStateException("device storage of " + length + " " + dtype + " elements on " + device
                    + " was already released (released, or its MemoryScope closed)");
        }
        return release.block.address();
    }

    /** Bytes of data ({@code length * dtype size}). */
    public long byteSize() {
        return (long) length * dtype.byteSize();
    }

    public boolean isClosed() {
        return release.released.get();
    }

    /** Returns the memory to the allocator; idempotent. */
    @Override
    public void close() {
        cleanable.clean();
    }

    /** Same as {@link #close()}. */
    @Override
    public void release() {
        close();
    }

    /** Device address of a tensor's first element (storage address plus the view's offset). */
    public static long addressOf(Tensor t) {
        return storageOf(t).address() + (long) t.offset() * t.dtype().byteSize();
    }

    /** The CUDA storage behind a tensor. */
    public static CudaStorage storageOf(Tensor t) {
        if (!(t.storage() instanceof CudaStorage)) {
            throw new org.cassl.tensor.DeviceMismatchException("expected a CUDA tensor, got one on " + t.device());
        }
        return (CudaStorage) t.storage();
    }
}
