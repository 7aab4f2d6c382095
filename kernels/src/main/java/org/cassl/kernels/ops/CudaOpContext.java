package org.cassl.kernels.ops;

import org.cassl.kernels.CudaStorage;
import org.cassl.kernels.memory.Block;
import org.cassl.kernels.runtime.DeviceRuntime;
import org.cassl.kernels.runtime.KernelArgs;
import org.cassl.kernels.runtime.KernelHandle;
import org.cassl.kernels.runtime.LaunchConfig;
import org.cassl.tensor.DType;
import org.cassl.tensor.IndexOutOfRangeException;
import org.cassl.tensor.Shapes;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * What every operator family shares: the runtime, launch helpers, scratch memory, contiguous
 * staging of strided inputs and the translation of device-reported errors into exceptions.
 */
public final class CudaOpContext {
    /** Threads per block of the simple grid-stride kernels. */
    public static final int BLOCK = 256;
    // error codes of common.cuh
    static final int ERR_INDEX_RANGE = 1;
    static final int ERR_INT_DIV_ZERO = 2;
    static final int ERR_INT_NEG_POW = 3;

    private final DeviceRuntime rt;
    private CudaElementwise elementwise;

    public CudaOpContext(DeviceRuntime rt) {
        this.rt = rt;
    }

    void setElementwise(CudaElementwise e) {
        this.elementwise = e;
    }

    public DeviceRuntime runtime() {
        return rt;
    }

    /** Grid-stride blocks cap: enough to fill every SM several times over. */
    public int maxBlocks() {
        return Math.max(1, rt.properties().multiprocessors() * 32);
    }

    public int multiprocessors() {
        return Math.max(1, rt.properties().multiprocessors());
    }

    KernelHandle kernel(String module, String name) {
        return rt.kernel(module, name);
    }

    void launch(String module, String name, LaunchConfig cfg, KernelArgs args) {
        rt.launch(rt.kernel(module, name), cfg, args);
    }

    /** A 1-D grid-stride launch over {@code n} items ({@code n == 0}: nothing is launched). */
    void launchN(String module, String name, long n, KernelArgs args) {
        if (n <= 0) {
            return;
        }
        launch(module, name, LaunchConfig.gridStride(n, BLOCK, maxBlocks()), args);
    }

    /** Device address of a tensor's first element. */
    static long addr(Tensor t) {
        return CudaStorage.addressOf(t);
    }

    /** Device address of a tensor's storage (element 0 of the storage, for descriptor offsets). */
    static long base(Tensor t) {
        return CudaStorage.storageOf(t).address();
    }

    /** Address of an optional tensor (0 for null). */
    static long addrOrNull(Tensor t) {
        return t == null ? 0L : addr(t);
    }

    /** Scratch device memory, returned to the allocator at close (stream order makes that safe). */
    public final class Scratch implements AutoCloseable {
        private final Block block;

        private Scratch(long bytes) {
            this.block = rt.allocator().allocate(bytes);
        }

        public long address() {
            return block.address();
        }

        @Override
        public void close() {
            rt.allocator().release(block);
        }
    }

    public Scratch scratch(long bytes) {
        return new Scratch(Math.max(bytes, 8));
    }

    /** A new zero-filled contiguous tensor on this device (owned by the current MemoryScope of its device). */
    Tensor newTensor(DType dtype, int... shape) {
        CudaStorage s = CudaStorage.allocate(rt, dtype, Shapes.numel(shape));
        rt.memset8(s.address(), 0, s.byteSize());
        return new Tensor(s, shape, Shapes.contiguousStrides(shape), 0);
    }

    /** A contiguous temporary (uninitialised, untracked: the caller closes its storage). */
    Tensor temporary(DType dtype, int... shape) {
        CudaStorage s = CudaStorage.allocateTemporary(rt, dtype, Shapes.numel(shape));
        return new Tensor(s, shape, Shapes.contiguousStrides(shape), 0);
    }

    /** Closes the storage of a temporary from {@link #temporary}. */
    static void free(Tensor t) {
        if (t != null) {
            CudaStorage.storageOf(t).close();
        }
    }

    /** A contiguous version of a tensor for kernels that need dense input: the view itself or a copy. */
    public final class Dense implements AutoCloseable {
        private final Tensor tensor;
        private final CudaStorage copy;

        private Dense(Tensor t) {
            if (t.isContiguous()) {
                tensor = t;
                copy = null;
            } else {
                copy = CudaStorage.allocateTemporary(rt, t.dtype(), t.numel());
                tensor = new Tensor(copy, t.shape(), Shapes.contiguousStrides(t.shape()), 0);
                elementwise.copy(t, tensor);
            }
        }

        /** The dense tensor (same shape). */
        public Tensor tensor() {
            return tensor;
        }

        public long address() {
            return addr(tensor);
        }

        @Override
        public void close() {
            if (copy != null) {
                copy.close();
            }
        }
    }

    public Dense dense(Tensor t) {
        return new Dense(t);
    }

    /** Dense view of an optional tensor (null stays null). */
    Dense denseOrNull(Tensor t) {
        return t == null ? null : new Dense(t);
    }

    /** Copies a dense result back into a strided output (elementwise copy kernel). */
    void copyBack(Tensor src, Tensor dst) {
        elementwise.copy(src, dst);
    }

    /** Throws the exception a kernel reported through the error word, if any (waits for the device). */
    void checkErrors(String op) {
        long[] e = rt.takeError();
        if (e != null) {
            throw errorToException(op, e);
        }
    }

    /** The exception for an error word (code, value, bound). */
    public static RuntimeException errorToException(String op, long[] word) {
        switch ((int) word[0]) {
            case ERR_INDEX_RANGE:
                return new IndexOutOfRangeException(op + ": index " + word[1] + " is out of range for dimension size "
                        + word[2]);
            case ERR_INT_DIV_ZERO:
                return new IndexOutOfRangeException(op + ": integer division by zero");
            case ERR_INT_NEG_POW:
                return new TensorException(op + ": integers to negative integer powers are not allowed (" + word[2] + "^"
                        + word[1] + ")");
            default:
                return new IllegalStateException(op + ": kernel reported unknown error code " + word[0]);
        }
    }

    /** Element-size suffix of the raw (bit-copy) kernels: b1, b4 or b8. */
    static String widthSuffix(DType t) {
        switch (t.byteSize()) {
            case 1: return "b1";
            case 4: return "b4";
            default: return "b8";
        }
    }

    /** Dtype suffix of typed kernels: f32, f64, i64 or u8 (BOOL shares u8). */
    static String typeSuffix(DType t) {
        switch (t) {
            case F32: return "f32";
            case F64: return "f64";
            case I64: return "i64";
            default: return "u8";
        }
    }

    /** Rejects dtypes a float-only kernel family cannot take. */
    static void requireFloat(String op, Tensor t) {
        if (!t.dtype().isFloatingPoint()) {
            throw new TensorException(op + ": the CUDA kernel supports float32 and float64, got " + t.dtype());
        }
    }
}
