package org.cassl.tensor;

/** Reductions and scans over any dims, with PyTorch's dtype rules and empty-input behaviour. */
final class Reductions {
    private Reductions() {
    }

    static Tensor sum(Tensor x, int[] dims, boolean keepdim) {
        Ops.checkNotNull("sum", x);
        Tensor in = x.dtype().isFloatingPoint() ? x : x.to(DType.I64);
        return reduce(ReduceOp.SUM, "sum", in, dims, keepdim);
    }

    static Tensor mean(Tensor x, int[] dims, boolean keepdim) {
        Ops.checkNotNull("mean", x);
        if (!x.dtype().isFloatingPoint()) {
            throw new DTypeMismatchException("mean: input dtype should be floating point, got " + x.dtype());
        }
        int[] nd = Shapes.normalizeDims("mean", dims, x.dim());
        long count = 1;
        int[] shape = x.shape();
        for (int d : nd) {
            count *= shape[d];
        }
        if (x.dim() == 0) {
            count = 1;
        }
        return reduce(ReduceOp.SUM, "mean", x, dims, keepdim).div(count);
    }

    /** Generic reduction over dims; an empty {@code dims} on a rank-0 tensor is the identity. */
    static Tensor reduce(ReduceOp op, String name, Tensor x, int[] dims, boolean keepdim) {
        Ops.checkNotNull(name, x);
        int[] nd = x.dim() == 0 ? new int[0] : Shapes.normalizeDims(name, dims, x.dim());
        int[] shape = x.shape();
        if (op == ReduceOp.MAX || op == ReduceOp.MIN) {
            for (int d : nd) {
                if (shape[d] == 0) {
                    throw new ShapeMismatchException(name + ": cannot reduce over dimension " + d
                            + " of size 0 (shape " + Shapes.str(shape) + "): the operation has no identity");
                }
            }
            if (x.numel() == 0 && nd.length == 0 && x.dim() > 0) {
                throw new ShapeMismatchException(name + ": empty tensor of shape " + Shapes.str(shape));
            }
        }
        DType outType = op == ReduceOp.ANY || op == ReduceOp.ALL ? DType.BOOL : x.dtype();
        int[] kshape = Shapes.reducedShape(shape, nd, true);
        Tensor out = Tensor.zeros(outType, x.device(), kshape);
        x.backend().reduce(op, x, nd, out);
        return keepdim ? out : out.reshape(Shapes.reducedShape(shape, nd, false));
    }

    static ValuesIndices argReduce(ReduceOp op, String name, Tensor x, int dim, boolean keepdim) {
        Ops.checkNotNull(name, x);
        if (x.dim() == 0) {
            Shapes.normalizeDim(name, dim, 0);
            return new ValuesIndices(x.copy(), Tensor.zeros(DType.I64, x.device()));
        }
        int d = Shapes.normalizeDim(name, dim, x.dim());
        int[] shape = x.shape();
        if (shape[d] == 0) {
            throw new ShapeMismatchException(name + ": cannot reduce over dimension " + d + " of size 0 (shape "
                    + Shapes.str(shape) + ")");
        }
        int[] kshape = shape.clone();
        kshape[d] = 1;
        Tensor values = Tensor.zeros(x.dtype(), x.device(), kshape);
        Tensor indices = Tensor.zeros(DType.I64, x.device(), kshape);
        x.backend().argReduce(op, x, d, values, indices);
        if (!keepdim) {
            values = values.squeeze(d);
            indices = indices.squeeze(d);
        }
        return new ValuesIndices(values, indices);
    }

    static Tensor var(Tensor x, int[] dims, int correction, boolean keepdim) {
        Ops.checkNotNull("var", x);
        if (!x.dtype().isFloatingPoint()) {
            throw new DTypeMismatchException("var: input dtype should be floating point, got " + x.dtype());
        }
        int[] nd = x.dim() == 0 ? new int[0] : Shapes.normalizeDims("var", dims, x.dim());
        long count = 1;
        int[] shape = x.shape();
        for (int d : nd) {
            count *= shape[d];
        }
        Tensor mean = reduce(ReduceOp.SUM, "var", x, nd, true).div(count);
        Tensor dev = x.sub(mean);
        Tensor ss = reduce(ReduceOp.SUM, "var", dev.mul(dev), nd, keepdim);
        return ss.div(Math.max(0, count - correction));
    }

    static Tensor cumsum(Tensor x, int dim) {
        Ops.checkNotNull("cumsum", x);
        Tensor in = x.dtype().isFloatingPoint() ? x : x.to(DType.I64);
        if (in.dim() == 0) {
            Shapes.normalizeDim("cumsum", dim, 0);
            return in.copy();
        }
        int d = Shapes.normalizeDim("cumsum", dim, in.dim());
        Tensor out = Tensor.zeros(in.dtype(), in.device(), in.shape());
        in.backend().cumsum(in, d, out);
        return out;
    }
}
