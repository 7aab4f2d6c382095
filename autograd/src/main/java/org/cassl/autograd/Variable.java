package org.cassl.autograd;

import java.util.List;
import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.Tensor;

/**
 * A tensor on the autograd tape. Leaves are created with {@link #of} (constant) or
 * {@link #parameter} (requires a gradient); every op on variables that require gradients records
 * a {@link Node} holding its backward rule, and {@link #backward()} walks the tape in reverse
 * topological order, accumulating into the leaves' {@link #grad()} with {@code +=}.
 *
 * <p>Shapes, dtypes and semantics are those of the underlying {@link Tensor} ops.
 */
public final class Variable {
    private Tensor data;
    private Tensor grad;
    private final boolean requiresGrad;
    private final Node gradFn;
    private String name;

    Variable(Tensor data, boolean requiresGrad, Node gradFn) {
        if (data == null) {
            throw new IllegalArgumentException("variable data must not be null");
        }
        if (requiresGrad && !data.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("only floating point tensors can require gradients, got " + data.dtype());
        }
        this.data = data;
        this.requiresGrad = requiresGrad;
        this.gradFn = gradFn;
    }

    /** A constant (no gradient) wrapping {@code t}. */
    public static Variable of(Tensor t) {
        return new Variable(t, false, null);
    }

    /** A leaf that accumulates a gradient. */
    public static Variable parameter(Tensor t) {
        return new Variable(t, true, null);
    }

    public Tensor data() {
        return data;
    }

    /**
     * Replaces a leaf's data (for moving parameters between devices or loading weights of another
     * dtype); shapes must match.
     */
    public void setData(Tensor t) {
        if (gradFn != null) {
            throw new IllegalStateException("setData: only leaf variables can be replaced");
        }
        if (!java.util.Arrays.equals(t.shape(), data.shape())) {
            throw new org.cassl.tensor.ShapeMismatchException("setData: new shape " + java.util.Arrays.toString(t.shape())
                    + " differs from " + java.util.Arrays.toString(data.shape()));
        }
        this.data = t;
        this.grad = null;
    }

    /** Accumulated gradient, or null before any backward reached this leaf. */
    public Tensor grad() {
        return grad;
    }

    /** Sets or clears the accumulated gradient. */
    public void setGrad(Tensor g) {
        this.grad = g;
    }

    public void zeroGrad() {
        this.grad = null;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The node that produced this variable, or null for leaves and constants. */
    public Node gradFn() {
        return gradFn;
    }

    /** Optional debugging name (parameters get their state-dict key). */
    public String name() {
        return name;
    }

    public Variable named(String n) {
        this.name = n;
        return this;
    }

    /** A constant sharing this variable's data, cut from the tape. */
    public Variable detach() {
        return of(data);
    }

    public int[] shape() {
        return data.shape();
    }

    public int size(int dim) {
        return data.size(dim);
    }

    public int dim() {
        return data.dim();
    }

    public int numel() {
        return data.numel();
    }

    public DType dtype() {
        return data.dtype();
    }

    public Device device() {
        return data.device();
    }

    /** The single value of a one-element variable. */
    public double item() {
        return data.item();
    }

    /** Backward from a scalar (one-element) variable with gradient 1; frees the graph. */
    public void backward() {
        if (data.numel() != 1) {
            throw new IllegalStateException("backward: grad can be implicitly created only for scalar outputs; shape is "
                    + java.util.Arrays.toString(data.shape()) + " (pass an explicit gradient)");
        }
        backward(Tensor.full(1, data.dtype(), data.device(), data.shape()), false);
    }

    /** Backward with an explicit output gradient of this variable's shape. */
    public void backward(Tensor gradient) {
        backward(gradient, false);
    }

    /** Backward; the graph is kept for another pass when {@code retainGraph}. */
    public void backward(Tensor gradient, boolean retainGraph) {
        Tape.backward(this, gradient, retainGraph);
    }

    // ---- ops (see the rule classes for forward/backward pairs) -----------------------------

    // arithmetic (broadcasting)
    public Variable add(Variable o) { return Arithmetic.add(this, o); }
    public Variable sub(Variable o) { return Arithmetic.sub(this, o); }
    public Variable mul(Variable o) { return Arithmetic.mul(this, o); }
    public Variable div(Variable o) { return Arithmetic.div(this, o); }
    public Variable pow(Variable o) { return Arithmetic.pow(this, o); }
    public Variable maximum(Variable o) { return Arithmetic.maximum(this, o); }
    public Variable minimum(Variable o) { return Arithmetic.minimum(this, o); }
    public Variable add(double v) { return Arithmetic.addScalar(this, v); }
    public Variable sub(double v) { return Arithmetic.addScalar(this, -v); }
    public Variable mul(double v) { return Arithmetic.mulScalar(this, v); }
    public Variable div(double v) { return Arithmetic.divScalar(this, v); }
    /** {@code v - this}. */
    public Variable rsub(double v) { return Arithmetic.addScalar(Arithmetic.neg(this), v); }
    /** {@code v / this}. */
    public Variable rdiv(double v) { return Arithmetic.rdiv(this, v); }
    public Variable pow(double p) { return Pointwise.pow(this, p); }
    /** Elements where {@code mask} is true replaced by {@code value}. */
    public Variable maskedFill(Tensor mask, double value) { return Arithmetic.maskedFill(this, mask, value); }
    /** {@code cond ? a : b}. */
    public static Variable where(Tensor cond, Variable a, Variable b) { return Arithmetic.where(cond, a, b); }

    // unary
    public Variable neg() { return Arithmetic.neg(this); }
    public Variable abs() { return Pointwise.abs(this); }
    public Variable exp() { return Pointwise.exp(this); }
    public Variable log() { return Pointwise.log(this); }
    public Variable log1p() { return Pointwise.log1p(this); }
    public Variable sqrt() { return Pointwise.sqrt(this); }
    public Variable rsqrt() { return Pointwise.rsqrt(this); }
    public Variable sigmoid() { return Pointwise.sigmoid(this); }
    public Variable tanh() { return Pointwise.tanh(this); }
    public Variable relu() { return Pointwise.relu(this); }
    public Variable square() { return Pointwise.square(this); }
    public Variable reciprocal() { return Pointwise.reciprocal(this); }
    public Variable sin() { return Pointwise.sin(this); }
    public Variable cos() { return Pointwise.cos(this); }
    /** Clamps to [min, max]; NaN for a missing bound. */
    public Variable clamp(double min, double max) { return Pointwise.clamp(this, min, max); }
    public Variable clampMin(double min) { return Pointwise.clamp(this, min, Double.NaN); }
    public Variable clampMax(double max) { return Pointwise.clamp(this, Double.NaN, max); }

    // reductions
    public Variable sum() { return ReductionOps.sum(this, allDims(), false); }
    public Variable sum(int dim, boolean keepdim) { return ReductionOps.sum(this, new int[] {dim}, keepdim); }
    public Variable sum(int[] dims, boolean keepdim) { return ReductionOps.sum(this, dims, keepdim); }
    public Variable mean() { return ReductionOps.mean(this, allDims(), false); }
    public Variable mean(int dim, boolean keepdim) { return ReductionOps.mean(this, new int[] {dim}, keepdim); }
    public Variable mean(int[] dims, boolean keepdim) { return ReductionOps.mean(this, dims, keepdim); }
    /** Maximum of all elements. */
    public Variable max() { return ReductionOps.max(this); }
    public Variable min() { return ReductionOps.min(this); }
    /** Maximum along dim with the index of its first occurrence. */
    public VariableIndices max(int dim, boolean keepdim) { return ReductionOps.max(this, dim, keepdim); }
    public VariableIndices min(int dim, boolean keepdim) { return ReductionOps.min(this, dim, keepdim); }
    public Variable amax(int[] dims, boolean keepdim) { return ReductionOps.amax(this, dims, keepdim); }
    public Variable amin(int[] dims, boolean keepdim) { return ReductionOps.amin(this, dims, keepdim); }
    /** Variance with Bessel's correction {@code correction} (1 = unbiased). */
    public Variable var(int[] dims, int correction, boolean keepdim) { return ReductionOps.var(this, dims, correction, keepdim); }
    public Variable var() { return ReductionOps.var(this, allDims(), 1, false); }
    public Variable prod() { return ReductionOps.prod(this); }
    public Variable prod(int dim, boolean keepdim) { return ReductionOps.prod(this, dim, keepdim); }
    public Variable cumsum(int dim) { return ReductionOps.cumsum(this, dim); }
    public Variable logsumexp(int[] dims, boolean keepdim) { return ReductionOps.logsumexp(this, dims, keepdim); }
    public Variable softmax(int dim) { return Functional.softmax(this, dim); }
    public Variable logSoftmax(int dim) { return Functional.logSoftmax(this, dim); }

    // linear algebra
    public Variable matmul(Variable o) { return Linalg.matmul(this, o); }
    public Variable bmm(Variable o) { return Linalg.bmm(this, o); }

    // views and shapes
    public Variable reshape(int... shape) { return Shaping.reshape(this, shape); }
    public Variable view(int... shape) { return Shaping.view(this, shape); }
    public Variable permute(int... dims) { return Shaping.permute(this, dims); }
    public Variable transpose(int d0, int d1) { return Shaping.transpose(this, d0, d1); }
    /** Transpose of a matrix; vectors and scalars unchanged. */
    public Variable t() { return data.dim() < 2 ? this : transpose(0, 1); }
    public Variable slice(int dim, int start, int end, int step) { return Shaping.slice(this, dim, start, end, step); }
    public Variable slice(int dim, int start, int end) { return Shaping.slice(this, dim, start, end, 1); }
    public Variable narrow(int dim, int start, int length) { return Shaping.narrow(this, dim, start, length); }
    public Variable select(int dim, int index) { return Shaping.select(this, dim, index); }
    public Variable expand(int... shape) { return Shaping.expand(this, shape); }
    public Variable expandAs(Variable o) { return Shaping.expand(this, o.shape()); }
    public Variable squeeze() { return Shaping.squeeze(this); }
    public Variable squeeze(int dim) { return Shaping.squeeze(this, dim); }
    public Variable unsqueeze(int dim) { return Shaping.unsqueeze(this, dim); }
    public Variable flatten(int startDim, int endDim) { return Shaping.flatten(this, startDim, endDim); }
    public Variable flatten() { return Shaping.reshape(this, -1); }
    public Variable contiguous() { return Shaping.contiguous(this); }
    public List<Variable> split(int size, int dim) { return JoiningOps.split(this, size, dim); }
    public List<Variable> split(int[] sizes, int dim) { return JoiningOps.split(this, sizes, dim); }
    public List<Variable> chunk(int chunks, int dim) { return JoiningOps.chunk(this, chunks, dim); }
    public static Variable cat(List<Variable> vs, int dim) { return JoiningOps.cat(vs, dim); }
    public static Variable stack(List<Variable> vs, int dim) { return JoiningOps.stack(vs, dim); }

    // indexing
    public Variable indexSelect(int dim, Tensor index) { return IndexingOps.indexSelect(this, dim, index); }
    public Variable gather(int dim, Tensor index) { return IndexingOps.gather(this, dim, index); }
    public Variable scatterAdd(int dim, Tensor index, Variable src) { return IndexingOps.scatterAdd(this, dim, index, src); }
    public Variable maskedSelect(Tensor mask) { return IndexingOps.maskedSelect(this, mask); }
    public VariableIndices topk(int k, int dim, boolean largest) { return IndexingOps.topk(this, k, dim, largest); }
    public VariableIndices sort(int dim, boolean descending) { return IndexingOps.sort(this, dim, descending); }

    // not differentiable: plain tensors
    public Tensor eq(Variable o) { return data.eq(o.data); }
    public Tensor ne(Variable o) { return data.ne(o.data); }
    public Tensor lt(Variable o) { return data.lt(o.data); }
    public Tensor le(Variable o) { return data.le(o.data); }
    public Tensor gt(Variable o) { return data.gt(o.data); }
    public Tensor ge(Variable o) { return data.ge(o.data); }
    public Tensor eq(double v) { return data.eq(v); }
    public Tensor ne(double v) { return data.ne(v); }
    public Tensor lt(double v) { return data.lt(v); }
    public Tensor le(double v) { return data.le(v); }
    public Tensor gt(double v) { return data.gt(v); }
    public Tensor ge(double v) { return data.ge(v); }
    public Tensor argmax(int dim, boolean keepdim) { return data.argmax(dim, keepdim); }
    public Tensor argmin(int dim, boolean keepdim) { return data.argmin(dim, keepdim); }
    public Tensor argmax() { return data.argmax(); }
    public Tensor argsort(int dim, boolean descending) { return data.argsort(dim, descending); }
    public Tensor nonzero() { return data.nonzero(); }
    public Tensor sign() { return data.sign(); }

    int[] allDims() {
        int[] d = new int[data.dim()];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return d;
    }

    /** The tensors of several variables. */
    public static List<Tensor> data(List<Variable> vs) {
        return vs.stream().map(Variable::data).toList();
    }

    @Override
    public String toString() {
        return "Variable(" + (name != null ? name + ", " : "") + data + (requiresGrad ? ", requires_grad" : "")
                + (gradFn != null ? ", grad_fn=" + gradFn.op() : "") + ")";
    }
}
