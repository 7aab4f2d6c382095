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

    public Variable add(Variable o) { return Arithmetic.add(this, o); }
    public Variable sub(Variable o) { return Arithmetic.sub(this, o); }
    public Variable mul(Variable o) { return Arithmetic.mul(this, o); }
    public Variable div(Variable o) { return Arithmetic.div(this, o); }
    public Variable add(double v) { return Arithmetic.addScalar(this, v); }
    public Variable sub(double v) { return Arithmetic.addScalar(this, -v); }
    public Variable mul(double v) { return Arithmetic.mulScalar(this, v); }
    public Variable div(double v) { return Arithmetic.mulScalar(this, 1.0 / v); }
    /** {@code v - this}. */
    public Variable rsub(double v) { return Arithmetic.addScalar(Arithmetic.neg(this), v); }
    public Variable neg() { return Arithmetic.neg(this); }
    public Variable sum() { return Reduce.sum(this, allDims(), false); }
    public Variable sum(int dim, boolean keepdim) { return Reduce.sum(this, new int[] {dim}, keepdim); }
    public Variable sum(int[] dims, boolean keepdim) { return Reduce.sum(this, dims, keepdim); }
    public Variable mean() { return Reduce.mean(this, allDims(), false); }
    public Variable mean(int dim, boolean keepdim) { return Reduce.mean(this, new int[] {dim}, keepdim); }
    public Variable mean(int[] dims, boolean keepdim) { return Reduce.mean(this, dims, keepdim); }
    public Variable matmul(Variable o) { return Linalg.matmul(this, o); }
    public Variable reshape(int... shape) { return Shaping.reshape(this, shape); }
    public Variable permute(int... dims) { return Shaping.permute(this, dims); }
    public Variable transpose(int d0, int d1) { return Shaping.transpose(this, d0, d1); }

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
