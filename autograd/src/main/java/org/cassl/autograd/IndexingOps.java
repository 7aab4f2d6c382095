package org.cassl.autograd;

import org.cassl.tensor.Shapes;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.ValuesIndices;

/**
 * Differentiable index-based ops on variables: index_select, gather, scatter_add, masked_select,
 * topk and sort, forward and backward side by side. Gradients flow to the values only; index
 * tensors are plain I64 tensors. Each gradient is the adjoint scatter (index_add / scatter_add) of
 * the forward gather, or the gather of a scatter.
 */
public final class IndexingOps {
    private IndexingOps() {
    }

    /** Rows (along dim) at {@code index} (0-D or 1-D I64). Saves: the index and the input shape. */
    public static Variable indexSelect(Variable a, int dim, Tensor index) {
        int[] in = a.shape();
        return Tape.record("index_select", a.data().indexSelect(dim, index), (g, needs) -> {
            if (in.length == 0) {
                return new Tensor[] {g.reshape(1).sum(0, false)};
            }
            Tensor z = Tensor.zeros(g.dtype(), g.device(), in);
            return new Tensor[] {z.indexAdd(dim, index.reshape(-1), g)};
        }, a);
    }

    /** {@code out[i][j] = a[i][index[i][j]]} for dim 1, and so on. Saves: the index and the input shape. */
    public static Variable gather(Variable a, int dim, Tensor index) {
        int[] in = a.shape();
        return Tape.record("gather", a.data().gather(dim, index), (g, needs) -> {
            Tensor z = Tensor.zeros(g.dtype(), g.device(), in);
            return new Tensor[] {z.scatterAdd(dim, index, g)};
        }, a);
    }

    /**
     * A copy of {@code a} with {@code src} added at {@code index} along dim. {@code a} receives
     * the gradient unchanged, {@code src} the gradient gathered at index (zero where src is larger
     * than index). Saves: the index and src's shape.
     */
    public static Variable scatterAdd(Variable a, int dim, Tensor index, Variable src) {
        int[] srcShape = src.shape();
        return Tape.record("scatter_add", a.data().scatterAdd(dim, index, src.data()), (g, needs) -> {
            Tensor gs = null;
            if (needs[1]) {
                Tensor picked = g.gather(dim, index);
                if (java.util.Arrays.equals(picked.shape(), srcShape)) {
                    gs = picked;
                } else {
                    gs = Tensor.zeros(g.dtype(), g.device(), srcShape);
                    Tensor corner = gs;
                    for (int k = 0; k < srcShape.length; k++) {
                        corner = corner.narrow(k, 0, picked.size(k));
                    }
                    corner.copyFrom(picked);
                }
            }
            return new Tensor[] {needs[0] ? g : null, gs};
        }, a, src);
    }

    /**
     * The elements where the bool {@code mask} (broadcast with a) is true, as a 1-D tensor.
     * Saves: their flat positions and the shapes.
     */
    public static Variable maskedSelect(Variable a, Tensor mask) {
        Tensor x = a.data();
        int[] in = x.shape();
        int[] shape = Shapes.broadcast("masked_select", in, mask.shape());
        if (mask.dtype() != org.cassl.tensor.DType.BOOL) {
            x.maskedSelect(mask); // the tensor layer reports the dtype error
        }
        Tensor flatIdx = mask.expand(shape).reshape(-1).nonzero().reshape(-1);
        Tensor out = x.expand(shape).reshape(-1).indexSelect(0, flatIdx);
        return Tape.record("masked_select", out, (g, needs) -> {
            Tensor z = Tensor.zeros(g.dtype(), g.device(), Shapes.numel(shape));
            return new Tensor[] {Broadcast.sumTo(z.indexAdd(0, flatIdx, g).reshape(shape), in)};
        }, a);
    }

    /** The k largest (or smallest) along dim, sorted. Saves: the indices and the input shape. */
    public static VariableIndices topk(Variable a, int k, int dim, boolean largest) {
        return scatterBack("topk", a, a.data().topk(k, dim, largest), dim);
    }

    /** Stable sort along dim. Saves: the indices and the input shape. */
    public static VariableIndices sort(Variable a, int dim, boolean descending) {
        return scatterBack("sort", a, a.data().sort(dim, descending), dim);
    }

    private static VariableIndices scatterBack(String op, Variable a, ValuesIndices r, int dim) {
        int[] in = a.shape();
        Tensor idx = r.indices();
        Variable v = Tape.record(op, r.values(), (g, needs) -> {
            if (in.length == 0) {
                return new Tensor[] {g.reshape()};
            }
            Tensor z = Tensor.zeros(g.dtype(), g.device(), in);
            return new Tensor[] {z.scatterAdd(dim, idx, g)};
        }, a);
        return new VariableIndices(v, idx);
    }
}
