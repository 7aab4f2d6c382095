package org.cassl.kernels;

import java.util.Locale;
import org.cassl.kernels.memory.AllocatorStats;
import org.cassl.kernels.ops.CublasGemm;
import org.cassl.kernels.ops.CudaConv;
import org.cassl.kernels.ops.CudaDetection;
import org.cassl.kernels.ops.CudaElementwise;
import org.cassl.kernels.ops.CudaGemm;
import org.cassl.kernels.ops.CudaIndexing;
import org.cassl.kernels.ops.CudaInterpolate;
import org.cassl.kernels.ops.CudaNorm;
import org.cassl.kernels.ops.CudaPool;
import org.cassl.kernels.ops.CudaReduce;
import org.cassl.kernels.ops.CudaSort;
import org.cassl.kernels.ops.DeviceScan;
import org.cassl.kernels.ops.CudaOpContext;
import org.cassl.kernels.runtime.CudaRuntime;
import org.cassl.kernels.runtime.DeviceProperties;
import org.cassl.kernels.runtime.DeviceRuntime;
import org.cassl.tensor.Backend;
import org.cassl.tensor.BinaryOp;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.DTypeMismatchException;
import org.cassl.tensor.InterpolationMode;
import org.cassl.tensor.MemoryScope;
import org.cassl.tensor.Pool2dParams;
import org.cassl.tensor.ReduceOp;
import org.cassl.tensor.Storage;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.UnaryOp;

/**
 * The CUDA backend for one device: the {@link Backend} primitives as our own kernels (PTX built
 * from {@code src/main/cuda}) launched through the JCuda driver API, cuBLAS for GEMM when
 * {@code libcublas.so.12} loads, a caching allocator for device memory. Each family of primitives
 * lives in a launcher class of {@code org.cassl.kernels.ops}; this class wires them up.
 *
 * <p>All work goes to one stream in call order; calls that return data to the host (download,
 * nonzero, nms, index checks) wait for it. Any thread may call the backend (the context is bound
 * per thread). Device memory belongs to {@link CudaStorage}s: release them
 * ({@link Tensor#release()}), or allocate inside a {@link MemoryScope} ({@link #openScope()}).
 */
public final class CudaBackend implements Backend, AutoCloseable {
    private final DeviceRuntime rt;
    private final CublasGemm cublas;
    private final CudaElementwise elementwise;
    private final CudaReduce reduce;
    private final CudaGemm gemm;
    private final CudaConv conv;
    private final CudaPool pool;
    private final CudaInterpolate interpolate;
    private final CudaNorm norm;
    private final CudaIndexing indexing;
    private final CudaSort sort;
    private final CudaDetection detection;

    /** Opens device {@code ordinal} (the driver must be available, see {@link CudaBackendProvider}). */
    public static CudaBackend open(int ordinal) {
        CudaRuntime rt = new CudaRuntime(ordinal);
        boolean wantCublas = !"false".equalsIgnoreCase(System.getProperty("cassl.cuda.cublas", "true"));
        CublasGemm cublas = wantCublas ? CublasGemm.open(rt) : null;
        return new CudaBackend(rt, cublas);
    }

    /** A backend over any runtime (tests use a recording fake); {@code cublas} may be null. */
    public CudaBackend(DeviceRuntime rt, CublasGemm cublas) {
        this.rt = rt;
        this.cublas = cublas;
        CudaOpContext ctx = new CudaOpContext(rt);
        DeviceScan scan = new DeviceScan(ctx);
        this.elementwise = new CudaElementwise(ctx);
        this.reduce = new CudaReduce(ctx);
        this.gemm = new CudaGemm(ctx, cublas);
        this.conv = new CudaConv(ctx, gemm);
        this.pool = new CudaPool(ctx);
        this.interpolate = new CudaInterpolate(ctx);
        this.norm = new CudaNorm(ctx);
        this.sort = new CudaSort(ctx, scan);
        this.indexing = new CudaIndexing(ctx, scan);
        this.detection = new CudaDetection(ctx, sort, scan);
        gemm.setAllowTf32(Boolean.getBoolean("cassl.cuda.tf32"));
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Device device() {
        return rt.device();
    }

    public DeviceRuntime runtime() {
        return rt;
    }

    public DeviceProperties properties() {
        return rt.properties();
    }

    /** Allows TF32 tensor cores for float32 GEMM and convolution (default: exact float32). */
    public void setAllowTf32(boolean allow) {
        gemm.setAllowTf32(allow);
    }

    public CudaGemm gemm() {
        return gemm;
    }

    /** Whether cuBLAS loaded and is used. */
    public boolean cublasLoaded() {
        return cublas != null;
    }

    public AllocatorStats memoryStats() {
        return rt.allocator().stats();
    }

    /** Returns cached device memory to the driver (memory in use is untouched). */
    public void emptyCache() {
        rt.synchronize();
        rt.allocator().emptyCache();
    }

    /** Waits for all queued work. */
    public void synchronize() {
        rt.synchronize();
    }

    /** Device milliseconds of the work {@code body} queues (CUDA events). */
    public float timeMillis(Runnable body) {
        return rt.timeMillis(body);
    }

    @Override
    public void close() {
        if (cublas != null) {
            cublas.close();
        }
        rt.close();
    }

    // ---- memory ---------------------------------------------------------------------------------

    /**
     * A scope owning the storages the calling thread allocates on this backend's device until it
     * closes (see {@link MemoryScope}); their blocks go back to the caching allocator then.
     */
    @Override
    public MemoryScope openScope() {
        return CudaMemoryScope.open(device());
    }

    @Override
    public Storage allocate(DType dtype, int length) {
        CudaStorage s = CudaStorage.allocate(rt, dtype, length);
        rt.memset8(s.address(), 0, s.byteSize());
        return s;
    }

    @Override
    public Storage upload(DType dtype, Object hostArray) {
        checkHostArray(dtype, hostArray);
        int n = java.lang.reflect.Array.getLength(hostArray);
        CudaStorage s = CudaStorage.allocate(rt, dtype, n);
        if (n > 0) {
            rt.upload(s.address(), hostArray, 0, n);
        }
        return s;
    }

    static void checkHostArray(DType dtype, Object a) {
        boolean ok;
        switch (dtype) {
            case F32: ok = a instanceof float[]; break;
            case F64: ok = a instanceof double[]; break;
            case I64: ok = a instanceof long[]; break;
            default: ok = a instanceof byte[]; break;
        }
        if (!ok) {
            throw new DTypeMismatchException("upload: a " + (a == null ? "null" : a.getClass().getSimpleName())
                    + " cannot hold " + dtype.name().toLowerCase(Locale.ROOT) + " data");
        }
    }

    @Override
    public Object download(Tensor t) {
        int n = t.numel();
        Object out = newHostArray(t.dtype(), n);
        if (n == 0) {
            return out;
        }
        if (t.isContiguous()) {
            rt.download(CudaStorage.addressOf(t), out, 0, n);
            return out;
        }
        CudaStorage tmp = CudaStorage.allocateTemporary(rt, t.dtype(), n);
        try {
            Tensor dense = new Tensor(tmp, t.shape(), org.cassl.tensor.Shapes.contiguousStrides(t.shape()), 0);
            elementwise.copy(t, dense);
            rt.download(tmp.address(), out, 0, n);
            return out;
        } finally {
            tmp.close();
        }
    }

    static Object newHostArray(DType t, int n) {
        switch (t) {
            case F32: return new float[n];
            case F64: return new double[n];
            case I64: return new long[n];
            default: return new byte[n];
        }
    }

    // ---- elementwise ------------------------------------------------------------------------------

    @Override
    public void fill(Tensor out, double value) {
        elementwise.fill(out, value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        elementwise.copy(src, dst);
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        elementwise.unary(op, x, out);
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        elementwise.binary(op, a, b, out);
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        elementwise.where(cond, a, b, out);
    }

    // ---- reductions -------------------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        reduce.reduce(op, x, dims, out);
    }

    @Override
    public void argReduce(ReduceOp op, Tensor x, int dim, Tensor values, Tensor indices) {
        reduce.argReduce(op, x, dim, values, indices);
    }

    @Override
    public void cumsum(Tensor x, int dim, Tensor out) {
        reduce.cumsum(x, dim, out);
    }

    // ---- linear algebra, convolution, pooling ---------------------------------------------------

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        gemm.matmul(a, b, out);
    }

    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor out) {
        conv.forward(x, w, bias, p, out);
    }

    @Override
    public void conv2dBackwardInput(Tensor gradOut, Tensor w, Conv2dParams p, Tensor gradIn) {
        conv.backwardInput(gradOut, w, p, gradIn);
    }

    @Override
    public void conv2dBackwardWeight(Tensor gradOut, Tensor x, Conv2dParams p, Tensor gradW) {
        conv.backwardWeight(gradOut, x, p, gradW);
    }

    @Override
    public void maxPool2d(Tensor x, Pool2dParams p, Tensor out, Tensor indices) {
        pool.maxPool(x, p, out, indices);
    }

    @Override
    public void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
        pool.maxPoolBackward(gradOut, indices, gradIn);
    }

    @Override
    public void avgPool2d(Tensor x, Pool2dParams p, Tensor out) {
        pool.avgPool(x, p, out);
    }

    @Override
    public void avgPool2dBackward(Tensor gradOut, Pool2dParams p, Tensor gradIn) {
        pool.avgPoolBackward(gradOut, p, gradIn);
    }

    @Override
    public void upsample2d(Tensor x, InterpolationMode mode, boolean alignCorners, double scaleH, double scaleW, Tensor out) {
        interpolate.forward(x, mode, alignCorners, scaleH, scaleW, out);
    }

    @Override
    public void upsample2dBackward(Tensor gradOut, InterpolationMode mode, boolean alignCorners, double scaleH,
                                   double scaleW, Tensor gradIn) {
        interpolate.backward(gradOut, mode, alignCorners, scaleH, scaleW, gradIn);
    }

    // ---- normalisation --------------------------------------------------------------------------

    @Override
    public void groupNorm(Tensor x, Tensor weight, Tensor bias, int groups, double eps, Tensor out, Tensor mean,
                          Tensor rstd) {
        norm.groupNorm(x, weight, bias, groups, eps, out, mean, rstd);
    }

    @Override
    public void groupNormBackward(Tensor gradOut, Tensor x, Tensor weight, Tensor mean, Tensor rstd, int groups,
                                  Tensor gradX, Tensor gradW, Tensor gradB) {
        norm.groupNormBackward(gradOut, x, weight, mean, rstd, groups, gradX, gradW, gradB);
    }

    @Override
    public void batchNorm(Tensor x, Tensor mean, Tensor invStd, Tensor weight, Tensor bias, Tensor out) {
        norm.batchNorm(x, mean, invStd, weight, bias, out);
    }

    @Override
    public void batchNormBackward(Tensor gradOut, Tensor x, Tensor mean, Tensor invStd, Tensor weight, boolean training,
                                  Tensor gradX, Tensor gradW, Tensor gradB) {
        norm.batchNormBackward(gradOut, x, mean, invStd, weight, training, gradX, gradW, gradB);
    }

    // ---- indexing ---------------------------------------------------------------------------------

    @Override
    public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        indexing.indexSelect(x, dim, index, out);
    }

    @Override
    public void indexAdd(Tensor out, int dim, Tensor index, Tensor src) {
        indexing.indexAdd(out, dim, index, src);
    }

    @Override
    public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        indexing.gather(x, dim, index, out);
    }

    @Override
    public void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        indexing.scatterAdd(out, dim, index, src);
    }

    @Override
    public Tensor nonzero(Tensor x) {
        return indexing.nonzero(x);
    }

    @Override
    public void sort(Tensor x, int dim, boolean descending, Tensor values, Tensor indices) {
        sort.sort(x, dim, descending, values, indices);
    }

    @Override
    public void topk(Tensor x, int k, int dim, boolean largest, Tensor values, Tensor indices) {
        sort.topk(x, k, dim, largest, values, indices);
    }

    // ---- model-specific kernels ---------------------------------------------------------------------

    /**
     * The launchers of the detection kernels (RoIAlign, NMS, FCOS assignment) on this device; the
     * detection module reaches them through {@link org.cassl.kernels.detection.CudaDetectionKernels}.
     */
    public CudaDetection detection() {
        return detection;
    }
}
