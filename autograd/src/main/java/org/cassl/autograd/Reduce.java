package org.cassl.autograd;

import org.cassl.tensor.Shapes;
import org.cassl.tensor.Tensor;

/** Reductions: sum, mean, max/min, var. */
public final class Reduce {
    private Reduce() {
    }

    /** Re-inserts reduced dims (as size 1) into a gradient so it broadcasts against the input. */
    static Tensor unreduce(Tensor g, int[] inShape, int[] dims, boolean keepdim) {
        if (keepdim || inShape.length == 0) {
            return g;
        }
        int[] nd = Shapes.normalizeDims("unreduce", dims, inShape.length);
        return g.reshape(Shapes.reducedShape(inShape, nd, true));
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
        double count = shape.length == 0 ? 1 : (double) a.numel() / Math.max(out.numel(), 1);
        if (a.numel() == 0) {
            count = 0;
        }
        double n = count;
        return Tape.record("mean", out,
                (g, needs) -> new Tensor[] {unreduce(g, shape, dims, keepdim).div(n).expand(shape)}, a);
    }
}
