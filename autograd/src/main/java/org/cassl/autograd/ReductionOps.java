package org.cassl.autograd;

import org.cassl.tensor.Shapes;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.ValuesIndices;

/**
 * Differentiable reductions and scans on variables: sum, mean, max/min (with and without indices),
 * var, prod, cumsum, logsumexp, forward and backward side by side.
 */
public final class ReductionOps {
    private ReductionOps() {
    }

    /** Re-inserts reduced dims (as size 1) into a gradient so it broadcasts against the input. */
    static Tensor unreduce(Tensor g, int[] inShape, int[] dims, boolean keepdim) {
        if (keepdim || inShape.length == 0) {
            return g;
        }
        int[] nd = Shapes.normalizeDims("unreduce", dims, inShape.length);
        return g.reshape(Shapes.reducedShape(inShape, nd, true));
    }

    /** Number of elements folded into each output element when reducing {@code shape} over {@code dims}. */
    static long count(int[] shape, int[] dims) {
        if (shape.length == 0) {
            return 1;
        }
        long n = 1;
        for (int d : Shapes.normalizeDims("reduce", dims, shape.length)) {
            n *= shape[d];
        }
        return n;
    }

    static int[] allDims(int rank) {
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = i;
        }
        return d;
    }

    /** sum over dims. Saves: the input shape. */
    public static Variable sum(Variable a, int[] dims, boolean keepdim) {
        int[] shape = a.shape();
        return Tape.record("sum", a.data().sum(dims, keepdim),
                (g, needs) -> new Tensor[] {unreduce(g, shape, dims, keepdim).expand(shape)}, a);
    }

    /** mean over dims. Saves: the input shape and element count per output. */
    public static Variable mean(Variable a, int[] dims, boolean keepdim) {
        int[] shape = a.shape();
        Tensor out = a.data().mean(dims, keepdim);
        double n = count(shape, dims);
        return Tape.record("mean", out,
                (g, needs) -> new Tensor[] {unreduce(g, shape, dims, keepdim).div(n).expand(shape)}, a);
    }

    /**
     * Max along dim with the index of its first occurrence; the gradient goes to that index only.
     * Saves: the indices and the input shape.
     */
    public static VariableIndices max(Variable a, int dim, boolean keepdim) {
        return argExtreme("max", a, dim, keepdim, true);
    }

    /** Min along dim with indices; the gradient goes to the returned index. Saves: the indices. */
    public static VariableIndices min(Variable a, int dim, boolean keepdim) {
        return argExtreme("min", a, dim, keepdim, false);
    }

    private static VariableIndices argExtreme(String op, Variable a, int dim, boolean keepdim, boolean max) {
        ValuesIndices r = max ? a.data().max(dim, keepdim) : a.data().min(dim, keepdim);
        int[] shape = a.shape();
        Tensor idx = r.indices();
        Variable v = Tape.record(op, r.values(),
                (g, needs) -> new Tensor[] {toIndex(g, idx, shape, dim, keepdim)}, a);
        return new VariableIndices(v, idx);
    }

    /**
     * A zero tensor of {@code inShape} holding {@code g} at position {@code idx} along dim:
     * the adjoint of picking one element per slice (built from a comparison with a position
     * ramp, so it needs only elementwise kernels).
     */
    static Tensor toIndex(Tensor g, Tensor idx, int[] inShape, int dim, boolean keepdim) {
        if (inShape.length == 0) {
            return g;
        }
        int d = Shapes.normalizeDim("max", dim, inShape.length);
        Tensor gk = keepdim ? g : g.unsqueeze(d);
        Tensor ik = keepdim ? idx : idx.unsqueeze(d);
        int[] rampShape = new int[inShape.length];
        java.util.Arrays.fill(rampShape, 1);
        rampShape[d] = inShape[d];
        Tensor ramp = Tensor.arange(inShape[d]).reshape(rampShape).to(g.device());
        return Tensor.where(ramp.eq(ik), gk, Pointwise.zero(g)).expand(inShape);
    }

    /** Max over dims; ties share the gradient evenly (PyTorch's amax). Saves: a and the output. */
    public static Variable amax(Variable a, int[] dims, boolean keepdim) {
        return evenExtreme("amax", a, dims, keepdim, true, false);
    }

    /** Min over dims; ties share the gradient evenly. Saves: a and the output. */
    public static Variable amin(Variable a, int[] dims, boolean keepdim) {
        return evenExtreme("amin", a, dims, keepdim, false, false);
    }

    /** Max of all elements; ties (and NaNs when the max is NaN) share the gradient. Saves: a and the output. */
    public static Variable max(Variable a) {
        return evenExtreme("max", a, allDims(a.dim()), false, true, true);
    }

    /** Min of all elements; ties share the gradient. Saves: a and the output. */
    public static Variable min(Variable a) {
        return evenExtreme("min", a, allDims(a.dim()), false, false, true);
    }

    private static Variable evenExtreme(String op, Variable a, int[] dims, boolean keepdim, boolean max, boolean nanTies) {
        Tensor x = a.data();
        Tensor out = max ? x.amax(dims, keepdim) : x.amin(dims, keepdim);
        int[] shape = x.shape();
        return Tape.record(op, out, (g, needs) -> {
            Tensor ok = unreduce(out, shape, dims, keepdim);
            Tensor mask = x.eq(ok);
            if (nanTies) {
                mask = mask.logicalOr(x.isnan().logicalAnd(ok.isnan()));
            }
            Tensor n = mask.sum(dims, true);
            Tensor share = unreduce(g, shape, dims, keepdim).div(n.to(g.dtype()));
            return new Tensor[] {Tensor.where(mask, share, Pointwise.zero(g)).expand(shape)};
        }, a);
    }

    /**
     * Variance over dims with {@code correction} (1 = Bessel's, 0 = population).
     * Saves: a and the element count.
     */
    public static Variable var(Variable a, int[] dims, int correction, boolean keepdim) {
        Tensor x = a.data();
        int[] shape = x.shape();
        double n = count(shape, dims);
        return Tape.record("var", x.var(dims, correction, keepdim), (g, needs) -> {
            int[] rd = shape.length == 0 ? new int[0] : dims;
            Tensor centred = x.sub(x.mean(rd, true));
            return new Tensor[] {unreduce(g, shape, dims, keepdim).mul(2.0 / (n - correction)).mul(centred)};
        }, a);
    }

    /** Inclusive cumulative sum along dim; the gradient is the reversed cumulative sum. Saves: dim. */
    public static Variable cumsum(Variable a, int dim) {
        return Tape.record("cumsum", a.data().cumsum(dim), (g, needs) -> {
            if (g.dim() == 0) {
                return new Tensor[] {g};
            }
            // sum_{j >= i} g_j = total - sum_{j <= i} g_j + g_i
            return new Tensor[] {g.sum(dim, true).sub(g.cumsum(dim)).add(g)};
        }, a);
    }

    /** Product of all elements. Saves: a and the output. */
    public static Variable prod(Variable a) {
        Variable flat = Shaping.reshape(a, -1);
        return Shaping.reshape(prod(flat, 0, false), new int[0]);
    }

    /**
     * Product along dim. The gradient is {@code out / a} where a slice has no zero; with one zero
     * only that element gets the product of the others; with more, all get 0.
     * Saves: a and the output.
     */
    public static Variable prod(Variable a, int dim, boolean keepdim) {
        Tensor x = a.data();
        int[] shape = x.shape();
        Tensor out = x.dim() == 0 ? x.copy() : x.prod(dim, keepdim);
        return Tape.record("prod", out, (g, needs) -> {
            if (shape.length == 0) {
                return new Tensor[] {g};
            }
            if (x.numel() == 0) {
                return new Tensor[] {x.zerosLike()};
            }
            int[] dims = {dim};
            Tensor gk = unreduce(g, shape, dims, keepdim);
            Tensor ok = unreduce(out, shape, dims, keepdim);
            Tensor isZero = x.eq(0);
            Tensor zeros = isZero.sum(dim, true);
            Tensor plain = ok.div(x);
            if (zeros.max().item() == 0) {
                return new Tensor[] {gk.mul(plain)};
            }
            Tensor one = Tensor.full(1, x.dtype(), x.device());
            Tensor others = Tensor.where(isZero, one, x).prod(dim, true);
            Tensor single = Tensor.where(isZero.logicalAnd(zeros.eq(1)), others, Pointwise.zero(x));
            return new Tensor[] {gk.mul(Tensor.where(zeros.eq(0), plain, single))};
        }, a);
    }

    /**
     * log(sum(exp(a))) over dims, shifted by the max for stability (infinite maxima are not
     * shifted, as in PyTorch). Saves: a and the output.
     */
    public static Variable logsumexp(Variable a, int[] dims, boolean keepdim) {
        Tensor x = a.data();
        int[] shape = x.shape();
        Tensor m = x.amax(dims, true);
        m = Tensor.where(m.abs().eq(Double.POSITIVE_INFINITY), Pointwise.zero(m), m);
        Tensor s = x.sub(m).exp().sum(dims, true).log().add(m);
        Tensor out = keepdim || shape.length == 0 ? s : s.reshape(Shapes.reducedShape(shape,
                Shapes.normalizeDims("logsumexp", dims, shape.length), false));
        return Tape.record("logsumexp", out, (g, needs) -> new Tensor[] {
            unreduce(g, shape, dims, keepdim).mul(x.sub(unreduce(out, shape, dims, keepdim)).exp())}, a);
    }
}
