package org.cassl.autograd;

import org.cassl.tensor.Shapes;
import org.cassl.tensor.Tensor;

/**
 * Views and shape changes: reshape/view, permute, transpose, slicing, select, expand, squeeze,
 * flatten, contiguous. Their gradients reshape, permute back, scatter into zeros or sum over
 * the broadcast dims.
 */
public final class Shaping {
    private Shaping() {
    }

    /** reshape (a view when strides allow, else a copy). Saves: the input shape. */
    public static Variable reshape(Variable a, int... shape) {
        int[] in = a.shape();
        return Tape.record("reshape", a.data().reshape(shape), (g, needs) -> new Tensor[] {g.reshape(in)}, a);
    }

    /** view (never copies; fails when strides do not allow it). Saves: the input shape. */
    public static Variable view(Variable a, int... shape) {
        int[] in = a.shape();
        return Tape.record("view", a.data().view(shape), (g, needs) -> new Tensor[] {g.reshape(in)}, a);
    }

    /** permute. Saves: the permutation. */
    public static Variable permute(Variable a, int... dims) {
        int r = a.dim();
        if (dims.length != r) {
            // let the tensor layer report the mismatch
            a.data().permute(dims);
        }
        int[] inv = new int[r];
        for (int i = 0; i < r; i++) {
            inv[Shapes.normalizeDim("permute", dims[i], r)] = i;
        }
        return Tape.record("permute", a.data().permute(dims), (g, needs) -> new Tensor[] {g.permute(inv)}, a);
    }

    /** transpose. Saves: the two dims. */
    public static Variable transpose(Variable a, int d0, int d1) {
        return Tape.record("transpose", a.data().transpose(d0, d1), (g, needs) -> new Tensor[] {g.transpose(d0, d1)}, a);
    }

    /** Python slice {@code [start:end:step]} along dim. Saves: the input shape and the slice. */
    public static Variable slice(Variable a, int dim, int start, int end, int step) {
        int[] in = a.shape();
        return Tape.record("slice", a.data().slice(dim, start, end, step), (g, needs) -> {
            Tensor z = Tensor.zeros(g.dtype(), g.device(), in);
            z.slice(dim, start, end, step).copyFrom(g);
            return new Tensor[] {z};
        }, a);
    }

    /** {@code length} elements from {@code start} along dim. Saves: the input shape and the range. */
    public static Variable narrow(Variable a, int dim, int start, int length) {
        Tensor out = a.data().narrow(dim, start, length);
        int d = Shapes.normalizeDim("narrow", dim, a.dim());
        int s = start < 0 ? start + a.size(d) : start;
        return sliced("narrow", a, out, d, s, s + length);
    }

    private static Variable sliced(String op, Variable a, Tensor out, int d, int start, int end) {
        int[] in = a.shape();
        return Tape.record(op, out, (g, needs) -> {
            Tensor z = Tensor.zeros(g.dtype(), g.device(), in);
            z.slice(d, start, end, 1).copyFrom(g);
            return new Tensor[] {z};
        }, a);
    }

    /** Index {@code index} along dim, removing it. Saves: the input shape and the index. */
    public static Variable select(Variable a, int dim, int index) {
        int[] in = a.shape();
        return Tape.record("select", a.data().select(dim, index), (g, needs) -> {
            Tensor z = Tensor.zeros(g.dtype(), g.device(), in);
            z.select(dim, index).copyFrom(g);
            return new Tensor[] {z};
        }, a);
    }

    /** Broadcast view; the gradient sums over the expanded dims. Saves: the input shape. */
    public static Variable expand(Variable a, int... shape) {
        int[] in = a.shape();
        return Tape.record("expand", a.data().expand(shape), (g, needs) -> new Tensor[] {Broadcast.sumTo(g, in)}, a);
    }

    /** Removes all size-1 dims. Saves: the input shape. */
    public static Variable squeeze(Variable a) {
        int[] in = a.shape();
        return Tape.record("squeeze", a.data().squeeze(), (g, needs) -> new Tensor[] {g.reshape(in)}, a);
    }

    /** Removes dim if it has size 1. Saves: the input shape. */
    public static Variable squeeze(Variable a, int dim) {
        int[] in = a.shape();
        return Tape.record("squeeze", a.data().squeeze(dim), (g, needs) -> new Tensor[] {g.reshape(in)}, a);
    }

    /** Inserts a size-1 dim. Saves: the input shape. */
    public static Variable unsqueeze(Variable a, int dim) {
        int[] in = a.shape();
        return Tape.record("unsqueeze", a.data().unsqueeze(dim), (g, needs) -> new Tensor[] {g.reshape(in)}, a);
    }

    /** Merges dims start..end (inclusive). Saves: the input shape. */
    public static Variable flatten(Variable a, int startDim, int endDim) {
        int[] in = a.shape();
        return Tape.record("flatten", a.data().flatten(startDim, endDim), (g, needs) -> new Tensor[] {g.reshape(in)}, a);
    }

    /** A contiguous version; the gradient passes unchanged. Saves: nothing. */
    public static Variable contiguous(Variable a) {
        return Tape.record("contiguous", a.data().contiguous(), (g, needs) -> new Tensor[] {g}, a);
    }
}
