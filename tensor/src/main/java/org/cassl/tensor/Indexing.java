package org.cassl.tensor;

/** Index-based ops: index_select, gather, scatter_add, index_add, nonzero, sort, topk, one_hot. */
final class Indexing {
    private Indexing() {
    }

    private static void checkIndex(String op, Tensor index) {
        if (index.dtype() != DType.I64) {
            throw new DTypeMismatchException(op + ": index tensor must be int64, got " + index.dtype());
        }
    }

    static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        Ops.checkNotNull("index_select", x, index);
        Ops.checkSameDevice("index_select", x, index);
        checkIndex("index_select", index);
        if (index.dim() > 1) {
            throw new ShapeMismatchException("index_select: index must be 0-D or 1-D, got shape " + Shapes.str(index.shape()));
        }
        Tensor xi = x.dim() == 0 ? x.reshape(1) : x;
        int d = Shapes.normalizeDim("index_select", dim, xi.dim());
        int[] shape = xi.shape();
        shape[d] = index.numel();
        Tensor out = Tensor.zeros(x.dtype(), x.device(), shape);
        x.backend().indexSelect(xi, d, index.reshape(-1), out);
        return x.dim() == 0 ? out.reshape() : out;
    }

    static Tensor indexAdd(Tensor x, int dim, Tensor index, Tensor src) {
        Ops.checkNotNull("index_add", x, index, src);
        Ops.checkSameDevice("index_add", x, index, src);
        checkIndex("index_add", index);
        int d = Shapes.normalizeDim("index_add", dim, x.dim());
        int[] expect = x.shape();
        expect[d] = index.numel();
        if (index.dim() > 1 || !java.util.Arrays.equals(expect, src.shape())) {
            throw new ShapeMismatchException("index_add: source of shape " + Shapes.str(src.shape()) + " and index of shape "
                    + Shapes.str(index.shape()) + " do not fit input " + Shapes.str(x.shape()) + " along dimension " + d
                    + " (expected source " + Shapes.str(expect) + ")");
        }
        Tensor out = x.copy();
        x.backend().indexAdd(out, d, index.reshape(-1), src.to(x.dtype()));
        return out;
    }

    private static void checkGatherShapes(String op, Tensor x, int d, Tensor index) {
        if (index.dim() != x.dim()) {
            throw new ShapeMismatchException(op + ": index of shape " + Shapes.str(index.shape())
                    + " must have the same rank as the input " + Shapes.str(x.shape()));
        }
        for (int k = 0; k < x.dim(); k++) {
            if (k != d && index.size(k) > x.size(k)) {
                throw new ShapeMismatchException(op + ": index " + Shapes.str(index.shape()) + " is larger than input "
                        + Shapes.str(x.shape()) + " in dimension " + k);
            }
        }
    }

    static Tensor gather(Tensor x, int dim, Tensor index) {
        Ops.checkNotNull("gather", x, index);
        Ops.checkSameDevice("gather", x, index);
        checkIndex("gather", index);
        int d = Shapes.normalizeDim("gather", dim, x.dim());
        checkGatherShapes("gather", x, d, index);
        Tensor out = Tensor.zeros(x.dtype(), x.device(), index.shape());
        x.backend().gather(x, d, index, out);
        return out;
    }

    static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        Ops.checkNotNull("scatter_add", x, index, src);
        Ops.checkSameDevice("scatter_add", x, index, src);
        checkIndex("scatter_add", index);
        int d = Shapes.normalizeDim("scatter_add", dim, x.dim());
        checkGatherShapes("scatter_add", x, d, index);
        for (int k = 0; k < index.dim(); k++) {
            if (index.size(k) > src.size(k)) {
                throw new ShapeMismatchException("scatter_add: index " + Shapes.str(index.shape()) + " is larger than source "
                        + Shapes.str(src.shape()) + " in dimension " + k);
            }
        }
        Tensor out = x.copy();
        x.backend().scatterAdd(out, d, index, src.to(x.dtype()));
        return out;
    }

    static Tensor nonzero(Tensor x) {
        Ops.checkNotNull("nonzero", x);
        return x.backend().nonzero(x);
    }

    static Tensor maskedSelect(Tensor x, Tensor mask) {
        Ops.checkNotNull("masked_select", x, mask);
        if (mask.dtype() != DType.BOOL) {
            throw new DTypeMismatchException("masked_select: mask must be a bool tensor, got " + mask.dtype());
        }
        int[] shape = Shapes.broadcast("masked_select", x.shape(), mask.shape());
        Tensor flatIdx = mask.expand(shape).reshape(-1).nonzero().reshape(-1);
        return x.expand(shape).reshape(-1).indexSelect(0, flatIdx);
    }

    static ValuesIndices sort(Tensor x, int dim, boolean descending) {
        Ops.checkNotNull("sort", x);
        if (x.dim() == 0) {
            Shapes.normalizeDim("sort", dim, 0);
            return new ValuesIndices(x.copy(), Tensor.zeros(DType.I64, x.device()));
        }
        int d = Shapes.normalizeDim("sort", dim, x.dim());
        Tensor values = Tensor.zeros(x.dtype(), x.device(), x.shape());
        Tensor indices = Tensor.zeros(DType.I64, x.device(), x.shape());
        x.backend().sort(x, d, descending, values, indices);
        return new ValuesIndices(values, indices);
    }

    static ValuesIndices topk(Tensor x, int k, int dim, boolean largest) {
        Ops.checkNotNull("topk", x);
        Tensor xi = x.dim() == 0 ? x.reshape(1) : x;
        int d = Shapes.normalizeDim("topk", dim, xi.dim());
        if (k < 0 || k > xi.size(d)) {
            throw new IndexOutOfRangeException("topk: k=" + k + " is out of range for dimension " + d + " of size "
                    + xi.size(d));
        }
        int[] shape = xi.shape();
        shape[d] = k;
        Tensor values = Tensor.zeros(x.dtype(), x.device(), shape);
        Tensor indices = Tensor.zeros(DType.I64, x.device(), shape);
        x.backend().topk(xi, k, d, largest, values, indices);
        if (x.dim() == 0) {
            return new ValuesIndices(values.reshape(), indices.reshape());
        }
        return new ValuesIndices(values, indices);
    }

    static Tensor oneHot(Tensor x, int numClasses) {
        Ops.checkNotNull("one_hot", x);
        checkIndex("one_hot", x);
        if (numClasses < 1) {
            throw new TensorException("one_hot: number of classes must be positive, got " + numClasses);
        }
        int[] shape = java.util.Arrays.copyOf(x.shape(), x.dim() + 1);
        shape[x.dim()] = numClasses;
        Tensor out = Tensor.zeros(DType.I64, x.device(), shape);
        Tensor idx = x.unsqueeze(x.dim()).contiguous();
        return out.scatterAdd(x.dim(), idx, Tensor.ones(DType.I64, idx.shape()).to(x.device()));
    }
}
