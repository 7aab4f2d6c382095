package org.cassl.tensor;

import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional array: a view (shape, strides, offset) onto a {@link Storage}. Tensors are
 * immutable as views; their elements change only through the explicitly named in-place methods
 * ({@link #copyFrom}, {@link #addInPlace}, {@link #fill}, ...). View operations never copy.
 *
 * <p>All operations follow PyTorch's semantics (broadcasting, type promotion, dimension
 * wrapping). Operations on tensors of different devices are rejected.
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final int offset;

    /** A view onto {@code storage}; no checks beyond the bounds of the storage. */
    public Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        if (shape.length != strides.length) {
            throw new ShapeMismatchException("shape " + Shapes.str(shape) + " and strides " + Shapes.str(strides)
                    + " have different ranks");
        }
        this.storage = storage;
        this.shape = shape.clone();
        this.strides = strides.clone();
        this.offset = offset;
        if (Shapes.numel(shape) > 0) {
            long lo = offset;
            long hi = offset;
            for (int i = 0; i < shape.length; i++) {
                long ext = (long) (shape[i] - 1) * strides[i];
                if (ext < 0) {
                    lo += ext;
                } else {
                    hi += ext;
                }
            }
            if (lo < 0 || hi >= storage.length()) {
                throw new IndexOutOfRangeException("view shape " + Shapes.str(shape) + " strides " + Shapes.str(strides)
                        + " offset " + offset + " exceeds storage of " + storage.length() + " elements");
            }
        }
    }

    /** A new contiguous tensor over a fresh storage. */
    static Tensor contiguousOver(Storage storage, int[] shape) {
        return new Tensor(storage, shape, Shapes.contiguousStrides(shape), 0);
    }

    // ---- metadata -------------------------------------------------------------------------------

    public DType dtype() {
        return storage.dtype();
    }

    public Device device() {
        return storage.device();
    }

    public Backend backend() {
        return Backends.forDevice(storage.device());
    }

    public Storage storage() {
        return storage;
    }

    /**
     * Releases this tensor's storage now ({@link Storage#release()}): device memory goes back to
     * the device's allocator and every view of the storage becomes unusable; a no-op on the CPU
     * heap. Idempotent. See {@link MemoryScope} for releasing all temporaries of a block at once.
     */
    public void release() {
        storage.release();
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** A copy of the strides (in elements). */
    public int[] strides() {
        return strides.clone();
    }

    public int stride(int dim) {
        return strides[Shapes.normalizeDim("stride", dim, shape.length)];
    }

    public int offset() {
        return offset;
    }

    /** Size of one dimension; negative dims count from the end. */
    public int size(int dim) {
        return shape[Shapes.normalizeDim("size", dim, shape.length)];
    }

    /** Number of dimensions. */
    public int dim() {
        return shape.length;
    }

    public int numel() {
        return Shapes.numel(shape);
    }

    /** Row-major contiguous (size-1 dims may have any stride). */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return shape[i] == 0;
            }
            expected *= shape[i];
        }
        return true;
    }

    // ---- creation -------------------------------------------------------------------------------

    public static Tensor zeros(DType dtype, Device device, int... shape) {
        Backend b = Backends.forDevice(device);
        return contiguousOver(b.allocate(dtype, Shapes.numel(shape)), shape);
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return zeros(dtype, Device.CPU, shape);
    }

    /** float32 zeros on the CPU. */
    public static Tensor zeros(int... shape) {
        return zeros(DType.F32, Device.CPU, shape);
    }

    public static Tensor full(double value, DType dtype, Device device, int... shape) {
        Tensor t = zeros(dtype, device, shape);
        if (value != 0) {
            t.backend().fill(t, value);
        }
        return t;
    }

    public static Tensor full(double value, DType dtype, int... shape) {
        return full(value, dtype, Device.CPU, shape);
    }

    public static Tensor ones(DType dtype, int... shape) {
        return full(1, dtype, Device.CPU, shape);
    }

    public static Tensor ones(int... shape) {
        return full(1, DType.F32, Device.CPU, shape);
    }

    /** A tensor of the same dtype and device as this one, filled with zeros. */
    public Tensor zerosLike() {
        return zeros(dtype(), device(), shape);
    }

    public Tensor onesLike() {
        return full(1, dtype(), device(), shape);
    }

    /** A 0-dimensional tensor. */
    public static Tensor scalar(double value, DType dtype) {
        return full(value, dtype, Device.CPU);
    }

    /** A float32 0-dimensional tensor. */
    public static Tensor scalar(double value) {
        return scalar(value, DType.F32);
    }

    /** float32 data in row-major order. */
    public static Tensor of(float[] data, int... shape) {
        return wrapHost(DType.F32, data, data.length, shape);
    }

    public static Tensor of(double[] data, int... shape) {
        return wrapHost(DType.F64, data, data.length, shape);
    }

    public static Tensor of(long[] data, int... shape) {
        return wrapHost(DType.I64, data, data.length, shape);
    }

    public static Tensor of(boolean[] data, int... shape) {
        byte[] b = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            b[i] = (byte) (data[i] ? 1 : 0);
        }
        return wrapHost(DType.BOOL, b, b.length, shape);
    }

    /** U8 (or BOOL when {@code dtype} says so) data in row-major order. */
    public static Tensor of(byte[] data, DType dtype, int... shape) {
        if (dtype != DType.U8 && dtype != DType.BOOL) {
            throw new DTypeMismatchException("Tensor.of(byte[]): dtype must be U8 or BOOL, got " + dtype);
        }
        return wrapHost(dtype, data, data.length, shape);
    }

    /** A 1-D tensor of the given values. */
    public static Tensor vector(float... data) {
        return of(data, data.length);
    }

    private static Tensor wrapHost(DType dtype, Object data, int length, int[] shape) {
        if (Shapes.numel(shape) != length) {
            throw new ShapeMismatchException("Tensor.of: " + length + " values do not fill shape " + Shapes.str(shape));
        }
        return contiguousOver(Backends.cpu().upload(dtype, data), shape);
    }

    /** {@code [0, 1, ..., n-1]} as I64. */
    public static Tensor arange(int n) {
        return arange(0, n, 1, DType.I64);
    }

    /** Values {@code start, start+step, ...} below {@code end} (PyTorch's length rule). */
    public static Tensor arange(double start, double end, double step, DType dtype) {
        if (step == 0 || Double.isNaN(start) || Double.isNaN(end) || Double.isNaN(step)) {
            throw new TensorException("arange: invalid range start=" + start + " end=" + end + " step=" + step);
        }
        long n = (long) Math.ceil((end - start) / step);
        if (n < 0) {
            n = 0;
        }
        if (n > Integer.MAX_VALUE) {
            throw new TensorException("arange: " + n + " elements is too many");
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < n; i++) {
            v[i] = start + i * step;
        }
        return of(v, (int) n).to(dtype);
    }

    /** {@code steps} evenly spaced values from start to end inclusive, float32. */
    public static Tensor linspace(double start, double end, int steps) {
        double[] v = new double[steps];
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        int half = steps / 2;
        for (int i = 0; i < steps; i++) {
            // PyTorch fills symmetric halves from both ends for accuracy
            v[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
        }
        return of(v, steps).to(DType.F32);
    }

    /** Uniform [0, 1) float32 values from {@code gen}. */
    public static Tensor rand(Generator gen, int... shape) {
        return rand(gen, DType.F32, shape);
    }

    public static Tensor rand(Generator gen, DType dtype, int... shape) {
        double[] v = new double[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = gen.nextDouble();
        }
        return of(v, shape).to(dtype);
    }

    /** Uniform in [lo, hi). */
    public static Tensor uniform(Generator gen, double lo, double hi, DType dtype, int... shape) {
        double[] v = new double[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * gen.nextDouble();
        }
        return of(v, shape).to(dtype);
    }

    /** Standard normal float32 values from {@code gen}. */
    public static Tensor randn(Generator gen, int... shape) {
        return normal(gen, 0, 1, DType.F32, shape);
    }

    public static Tensor normal(Generator gen, double mean, double std, DType dtype, int... shape) {
        double[] v = new double[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = mean + std * gen.nextGaussian();
        }
        return of(v, shape).to(dtype);
    }

    /** Uniform integers in [lo, hi) as I64. */
    public static Tensor randint(Generator gen, long lo, long hi, int... shape) {
        if (hi <= lo) {
            throw new TensorException("randint: empty range [" + lo + ", " + hi + ")");
        }
        long[] v = new long[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (long) Math.floor(gen.nextDouble() * (hi - lo));
        }
        return of(v, shape);
    }

    // ---- views ------------------------------------------------------------------------------------

    /** A view with a new shape (one entry may be -1); copies only when no view is possible. */
    public Tensor reshape(int... newShape) {
        int[] s = inferShape("reshape", newShape);
        int[] st = Views.viewStrides(shape, strides, s);
        if (st != null) {
            return new Tensor(storage, s, st, offset);
        }
        return contiguous().view(s);
    }

    /** Like {@link #reshape} but never copies; fails when the strides do not allow a view. */
    public Tensor view(int... newShape) {
        int[] s = inferShape("view", newShape);
        int[] st = Views.viewStrides(shape, strides, s);
        if (st == null) {
            throw new ShapeMismatchException("view: shape " + Shapes.str(s) + " is not compatible with the strides "
                    + Shapes.str(strides) + " of a tensor of shape " + Shapes.str(shape) + "; use reshape");
        }
        return new Tensor(storage, s, st, offset);
    }

    private int[] inferShape(String op, int[] newShape) {
        return Views.inferShape(op, shape, newShape);
    }

    /** Reorders dimensions: result dim i is this tensor's dim {@code dims[i]}. */
    public Tensor permute(int... dims) {
        return Views.permute(this, dims);
    }

    public Tensor transpose(int d0, int d1) {
        int a = Shapes.normalizeDim("transpose", d0, dim());
        int b = Shapes.normalizeDim("transpose", d1, dim());
        int[] p = new int[dim()];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        p[a] = b;
        p[b] = a;
        return permute(p);
    }

    /** Transpose of a matrix (rank 2) or this tensor unchanged for rank below 2. */
    public Tensor t() {
        if (dim() > 2) {
            throw new ShapeMismatchException("t: expects a tensor of rank <= 2, got shape " + Shapes.str(shape));
        }
        return dim() < 2 ? this : transpose(0, 1);
    }

    /** Python slice {@code [start:end:step]} along dim (negative and out-of-range bounds clamp). */
    public Tensor slice(int dim, int start, int end, int step) {
        return Views.slice(this, dim, start, end, step);
    }

    public Tensor slice(int dim, int start, int end) {
        return slice(dim, start, end, 1);
    }

    /** {@code length} elements from {@code start} along dim; bounds must be inside. */
    public Tensor narrow(int dim, int start, int length) {
        int d = Shapes.normalizeDim("narrow", dim, dim());
        int s = start < 0 ? start + shape[d] : start;
        if (s < 0 || length < 0 || s + length > shape[d]) {
            throw new IndexOutOfRangeException("narrow: start " + start + " length " + length + " out of range for dimension "
                    + d + " of size " + shape[d]);
        }
        return slice(d, s, s + length, 1);
    }

    /** Index {@code index} along dim, removing that dim. */
    public Tensor select(int dim, int index) {
        return Views.select(this, dim, index);
    }

    /** Broadcast view to {@code newShape} (-1 keeps a size); broadcast dims get stride 0. */
    public Tensor expand(int... newShape) {
        return Views.expand(this, newShape);
    }

    public Tensor expandAs(Tensor other) {
        return expand(other.shape);
    }

    /** Removes all size-1 dims. */
    public Tensor squeeze() {
        return Views.squeeze(this);
    }

    /** Removes dim when it has size 1, else returns this view unchanged (PyTorch). */
    public Tensor squeeze(int dim) {
        return Views.squeeze(this, dim);
    }

    public Tensor unsqueeze(int dim) {
        return Views.unsqueeze(this, dim);
    }

    /** Merges dims start..end (inclusive) into one. */
    public Tensor flatten(int startDim, int endDim) {
        return Views.flatten(this, startDim, endDim);
    }

    public Tensor flatten() {
        return reshape(numel());
    }

    /** This tensor if contiguous, otherwise a contiguous copy. */
    public Tensor contiguous() {
        return isContiguous() && offset == 0 && storage.length() == numel() ? this : copy();
    }

    /** A contiguous copy with its own storage. */
    public Tensor copy() {
        Tensor out = zeros(dtype(), device(), shape);
        backend().copy(this, out);
        return out;
    }

    /** Same values as another dtype (a copy unless the dtype already matches). */
    public Tensor to(DType dtype) {
        if (dtype == dtype()) {
            return this;
        }
        Tensor out = zeros(dtype, device(), shape);
        backend().copy(this, out);
        return out;
    }

    /** This tensor on another device (a copy unless already there). */
    public Tensor to(Device target) {
        if (target.equals(device())) {
            return this;
        }
        Object host = backend().download(this);
        Backend dst = Backends.forDevice(target);
        return contiguousOver(dst.upload(dtype(), host), shape);
    }

    // ---- in-place -----------------------------------------------------------------------------

    /** Copies {@code src} (broadcast to this shape, cast to this dtype) into this view. */
    public Tensor copyFrom(Tensor src) {
        Ops.checkSameDevice("copyFrom", this, src);
        backend().copy(src.expand(shape), this);
        return this;
    }

    public Tensor fill(double value) {
        backend().fill(this, value);
        return this;
    }

    /** {@code this += other} (other broadcast to this shape, cast to this dtype). */
    public Tensor addInPlace(Tensor other) {
        return Ops.binaryInPlace(BinaryOp.ADD, this, other);
    }

    /** {@code this += alpha * other}. */
    public Tensor addInPlace(Tensor other, double alpha) {
        return Ops.binaryInPlace(BinaryOp.ADD, this, alpha == 1 ? other : other.mul(alpha));
    }

    public Tensor subInPlace(Tensor other) {
        return Ops.binaryInPlace(BinaryOp.SUB, this, other);
    }

    public Tensor mulInPlace(Tensor other) {
        return Ops.binaryInPlace(BinaryOp.MUL, this, other);
    }

    public Tensor mulInPlace(double value) {
        return Ops.binaryInPlace(BinaryOp.MUL, this, Ops.scalarLike(this, value));
    }

    public Tensor divInPlace(Tensor other) {
        return Ops.binaryInPlace(BinaryOp.DIV, this, other);
    }

    // ---- elementwise ----------------------------------------------------------------------------

    public Tensor neg() { return Ops.unary(UnaryOp.NEG, this); }
    public Tensor abs() { return Ops.unary(UnaryOp.ABS, this); }
    public Tensor exp() { return Ops.unary(UnaryOp.EXP, this); }
    /** Natural log; negative values give NaN and 0 gives -inf, like PyTorch. */
    public Tensor log() { return Ops.unary(UnaryOp.LOG, this); }
    public Tensor log1p() { return Ops.unary(UnaryOp.LOG1P, this); }
    public Tensor expm1() { return Ops.unary(UnaryOp.EXPM1, this); }
    public Tensor sqrt() { return Ops.unary(UnaryOp.SQRT, this); }
    public Tensor rsqrt() { return Ops.unary(UnaryOp.RSQRT, this); }
    public Tensor sigmoid() { return Ops.unary(UnaryOp.SIGMOID, this); }
    public Tensor tanh() { return Ops.unary(UnaryOp.TANH, this); }
    public Tensor relu() { return Ops.unary(UnaryOp.RELU, this); }
    public Tensor sign() { return Ops.unary(UnaryOp.SIGN, this); }
    public Tensor floor() { return Ops.unary(UnaryOp.FLOOR, this); }
    public Tensor ceil() { return Ops.unary(UnaryOp.CEIL, this); }
    /** Round half to even, like {@code torch.round}. */
    public Tensor round() { return Ops.unary(UnaryOp.ROUND, this); }
    public Tensor sin() { return Ops.unary(UnaryOp.SIN, this); }
    public Tensor cos() { return Ops.unary(UnaryOp.COS, this); }
    public Tensor reciprocal() { return Ops.unary(UnaryOp.RECIPROCAL, this); }
    public Tensor square() { return Ops.unary(UnaryOp.SQUARE, this); }
    public Tensor logicalNot() { return Ops.unary(UnaryOp.LOGICAL_NOT, this); }
    public Tensor isnan() { return Ops.unary(UnaryOp.ISNAN, this); }
    public Tensor isinf() { return Ops.unary(UnaryOp.ISINF, this); }

    /** Clamps to [min, max]; pass NaN for a missing bound. */
    public Tensor clamp(double min, double max) {
        return Ops.clamp(this, min, max);
    }

    public Tensor clampMin(double min) { return clamp(min, Double.NaN); }
    public Tensor clampMax(double max) { return clamp(Double.NaN, max); }

    public Tensor add(Tensor o) { return Ops.binary(BinaryOp.ADD, this, o); }
    public Tensor sub(Tensor o) { return Ops.binary(BinaryOp.SUB, this, o); }
    public Tensor mul(Tensor o) { return Ops.binary(BinaryOp.MUL, this, o); }
    /** True division (integers give float32), like {@code torch.div}. */
    public Tensor div(Tensor o) { return Ops.binary(BinaryOp.DIV, this, o); }
    public Tensor pow(Tensor o) { return Ops.binary(BinaryOp.POW, this, o); }
    public Tensor maximum(Tensor o) { return Ops.binary(BinaryOp.MAXIMUM, this, o); }
    public Tensor minimum(Tensor o) { return Ops.binary(BinaryOp.MINIMUM, this, o); }
    public Tensor remainder(Tensor o) { return Ops.binary(BinaryOp.REMAINDER, this, o); }
    public Tensor floorDiv(Tensor o) { return Ops.binary(BinaryOp.FLOOR_DIV, this, o); }
    public Tensor atan2(Tensor o) { return Ops.binary(BinaryOp.ATAN2, this, o); }
    public Tensor eq(Tensor o) { return Ops.binary(BinaryOp.EQ, this, o); }
    public Tensor ne(Tensor o) { return Ops.binary(BinaryOp.NE, this, o); }
    public Tensor lt(Tensor o) { return Ops.binary(BinaryOp.LT, this, o); }
    public Tensor le(Tensor o) { return Ops.binary(BinaryOp.LE, this, o); }
    public Tensor gt(Tensor o) { return Ops.binary(BinaryOp.GT, this, o); }
    public Tensor ge(Tensor o) { return Ops.binary(BinaryOp.GE, this, o); }
    public Tensor logicalAnd(Tensor o) { return Ops.binary(BinaryOp.LOGICAL_AND, this, o); }
    public Tensor logicalOr(Tensor o) { return Ops.binary(BinaryOp.LOGICAL_OR, this, o); }
    public Tensor logicalXor(Tensor o) { return Ops.binary(BinaryOp.LOGICAL_XOR, this, o); }

    public Tensor add(double v) { return Ops.binaryScalar(BinaryOp.ADD, this, v); }
    public Tensor sub(double v) { return Ops.binaryScalar(BinaryOp.SUB, this, v); }
    /** {@code v - this}. */
    public Tensor rsub(double v) { return Ops.scalarBinary(BinaryOp.SUB, v, this); }
    public Tensor mul(double v) { return Ops.binaryScalar(BinaryOp.MUL, this, v); }
    public Tensor div(double v) { return Ops.binaryScalar(BinaryOp.DIV, this, v); }
    /** {@code v / this}. */
    public Tensor rdiv(double v) { return Ops.scalarBinary(BinaryOp.DIV, v, this); }
    public Tensor pow(double v) { return Ops.binaryScalar(BinaryOp.POW, this, v); }
    public Tensor maximum(double v) { return Ops.binaryScalar(BinaryOp.MAXIMUM, this, v); }
    public Tensor minimum(double v) { return Ops.binaryScalar(BinaryOp.MINIMUM, this, v); }
    public Tensor remainder(double v) { return Ops.binaryScalar(BinaryOp.REMAINDER, this, v); }
    public Tensor floorDiv(double v) { return Ops.binaryScalar(BinaryOp.FLOOR_DIV, this, v); }
    public Tensor eq(double v) { return Ops.binaryScalar(BinaryOp.EQ, this, v); }
    public Tensor ne(double v) { return Ops.binaryScalar(BinaryOp.NE, this, v); }
    public Tensor lt(double v) { return Ops.binaryScalar(BinaryOp.LT, this, v); }
    public Tensor le(double v) { return Ops.binaryScalar(BinaryOp.LE, this, v); }
    public Tensor gt(double v) { return Ops.binaryScalar(BinaryOp.GT, this, v); }
    public Tensor ge(double v) { return Ops.binaryScalar(BinaryOp.GE, this, v); }

    /** {@code cond ? a : b} with broadcasting and promotion of a and b. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Ops.where(cond, a, b);
    }

    /** Elements where {@code mask} is true replaced by {@code value}. */
    public Tensor maskedFill(Tensor mask, double value) {
        return Ops.maskedFill(this, mask, value);
    }

    // ---- reductions ---------------------------------------------------------------------------

    /** Sum of all elements (integers and bool sum to I64). */
    public Tensor sum() { return Reductions.sum(this, allDims(), false); }
    public Tensor sum(int dim, boolean keepdim) { return Reductions.sum(this, new int[] {dim}, keepdim); }
    public Tensor sum(int[] dims, boolean keepdim) { return Reductions.sum(this, dims, keepdim); }
    public Tensor prod() { return Reductions.reduce(ReduceOp.PROD, "prod", this, allDims(), false); }
    public Tensor prod(int dim, boolean keepdim) { return Reductions.reduce(ReduceOp.PROD, "prod", this, new int[] {dim}, keepdim); }
    /** Mean of all elements (floating point only, like PyTorch). */
    public Tensor mean() { return Reductions.mean(this, allDims(), false); }
    public Tensor mean(int dim, boolean keepdim) { return Reductions.mean(this, new int[] {dim}, keepdim); }
    public Tensor mean(int[] dims, boolean keepdim) { return Reductions.mean(this, dims, keepdim); }
    /** Maximum of all elements (NaN propagates). */
    public Tensor max() { return Reductions.reduce(ReduceOp.MAX, "max", this, allDims(), false); }
    public Tensor min() { return Reductions.reduce(ReduceOp.MIN, "min", this, allDims(), false); }
    /** Maximum along dim with the index of its first occurrence. */
    public ValuesIndices max(int dim, boolean keepdim) { return Reductions.argReduce(ReduceOp.MAX, "max", this, dim, keepdim); }
    public ValuesIndices min(int dim, boolean keepdim) { return Reductions.argReduce(ReduceOp.MIN, "min", this, dim, keepdim); }
    /** Max over several dims (no indices). */
    public Tensor amax(int[] dims, boolean keepdim) { return Reductions.reduce(ReduceOp.MAX, "amax", this, dims, keepdim); }
    public Tensor amin(int[] dims, boolean keepdim) { return Reductions.reduce(ReduceOp.MIN, "amin", this, dims, keepdim); }
    public Tensor argmax(int dim, boolean keepdim) { return max(dim, keepdim).indices(); }
    public Tensor argmin(int dim, boolean keepdim) { return min(dim, keepdim).indices(); }
    /** Index of the maximum of the flattened tensor. */
    public Tensor argmax() { return reshape(-1).argmax(0, false); }
    public Tensor any() { return Reductions.reduce(ReduceOp.ANY, "any", this, allDims(), false); }
    public Tensor all() { return Reductions.reduce(ReduceOp.ALL, "all", this, allDims(), false); }
    /** Variance over dims with Bessel's correction {@code correction} (1 = unbiased). */
    public Tensor var(int[] dims, int correction, boolean keepdim) { return Reductions.var(this, dims, correction, keepdim); }
    public Tensor var() { return Reductions.var(this, allDims(), 1, false); }
    /** Inclusive cumulative sum along dim. */
    public Tensor cumsum(int dim) { return Reductions.cumsum(this, dim); }

    int[] allDims() {
        int[] d = new int[shape.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return d;
    }

    // ---- linear algebra, nn ops ---------------------------------------------------------------

    /** {@code torch.matmul}: vector/matrix/batched products with batch broadcasting. */
    public Tensor matmul(Tensor o) { return LinearAlgebra.matmul(this, o); }
    /** Batched product of two rank-3 tensors {@code [B,M,K] x [B,K,N]}. */
    public Tensor bmm(Tensor o) { return LinearAlgebra.bmm(this, o); }

    public Tensor softmax(int dim) { return NnOps.softmax(this, dim); }
    public Tensor logSoftmax(int dim) { return NnOps.logSoftmax(this, dim); }

    // ---- joining, indexing, sorting -----------------------------------------------------------

    /** Concatenation along an existing dim (dtype promotion over all inputs). */
    public static Tensor cat(List<Tensor> tensors, int dim) { return Joining.cat(tensors, dim); }
    /** Stacks along a new dim. */
    public static Tensor stack(List<Tensor> tensors, int dim) { return Joining.stack(tensors, dim); }
    /** Views of {@code size} elements (the last may be smaller) along dim. */
    public List<Tensor> split(int size, int dim) { return Joining.split(this, size, dim); }
    /** Views of the given sizes along dim. */
    public List<Tensor> split(int[] sizes, int dim) { return Joining.split(this, sizes, dim); }
    /** {@code chunks} views along dim, PyTorch's sizing. */
    public List<Tensor> chunk(int chunks, int dim) { return Joining.chunk(this, chunks, dim); }

    public Tensor indexSelect(int dim, Tensor index) { return Indexing.indexSelect(this, dim, index); }
    public Tensor gather(int dim, Tensor index) { return Indexing.gather(this, dim, index); }
    /** A copy of this tensor with {@code src} added at {@code index} along dim. */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) { return Indexing.scatterAdd(this, dim, index, src); }
    /** A copy with {@code src} slices added at positions {@code index} of dim. */
    public Tensor indexAdd(int dim, Tensor index, Tensor src) { return Indexing.indexAdd(this, dim, index, src); }
    /** Elements where a bool mask (broadcast to this shape) is true, flattened. */
    public Tensor maskedSelect(Tensor mask) { return Indexing.maskedSelect(this, mask); }
    /** Coordinates of non-zero elements {@code [n, rank]} (I64). */
    public Tensor nonzero() { return Indexing.nonzero(this); }
    /** Stable sort along dim. */
    public ValuesIndices sort(int dim, boolean descending) { return Indexing.sort(this, dim, descending); }
    /** Indices that sort along dim (stable). */
    public Tensor argsort(int dim, boolean descending) { return sort(dim, descending).indices(); }
    public ValuesIndices topk(int k, int dim, boolean largest) { return Indexing.topk(this, k, dim, largest); }
    /** One-hot encoding of an I64 tensor, adding a last dim of {@code numClasses} (I64 result). */
    public Tensor oneHot(int numClasses) { return Indexing.oneHot(this, numClasses); }

    // ---- element access ----------------------------------------------------------------------

    /** The single element of a one-element tensor as a double. */
    public double item() {
        if (numel() != 1) {
            throw new ShapeMismatchException("item: tensor of shape " + Shapes.str(shape) + " has " + numel()
                    + " elements, expected 1");
        }
        return toDoubleArray()[0];
    }

    /** The element at a full index as a double. */
    public double getDouble(int... index) {
        return select(index).item();
    }

    /** The element at a full index as a long (I64 exact). */
    public long getLong(int... index) {
        return select(index).toLongArray()[0];
    }

    private Tensor select(int[] index) {
        if (index.length != shape.length) {
            throw new IndexOutOfRangeException("index " + Arrays.toString(index) + " has " + index.length
                    + " entries for a tensor of rank " + shape.length);
        }
        int off = offset;
        for (int i = 0; i < index.length; i++) {
            int j = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (j < 0 || j >= shape[i]) {
                throw new IndexOutOfRangeException("index " + index[i] + " out of range for dimension " + i + " of size "
                        + shape[i]);
            }
            off += j * strides[i];
        }
        return new Tensor(storage, new int[0], new int[0], off);
    }

    /** Elements in row-major order converted to float. */
    public float[] toFloatArray() {
        return HostArrays.toFloat(backend().download(this));
    }

    public double[] toDoubleArray() {
        return HostArrays.toDouble(backend().download(this));
    }

    public long[] toLongArray() {
        return HostArrays.toLong(backend().download(this));
    }

    public boolean[] toBooleanArray() {
        return HostArrays.toBoolean(backend().download(this));
    }

    /** Whether shapes match and all elements are within {@code atol + rtol*|other|} (NaNs equal). */
    public boolean allClose(Tensor other, double rtol, double atol) {
        if (!Arrays.equals(shape, other.shape)) {
            return false;
        }
        double[] a = toDoubleArray();
        double[] b = other.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            if (Double.isNaN(a[i]) || Double.isNaN(b[i])) {
                if (Double.isNaN(a[i]) != Double.isNaN(b[i])) {
                    return false;
                }
            } else if (a[i] != b[i] && Math.abs(a[i] - b[i]) > atol + rtol * Math.abs(b[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return TensorFormat.format(this);
    }
}
