package org.cassl.tensor;

/** Elementwise ops: dtype promotion, broadcasting and dispatch to the backend primitives. */
final class Ops {
    private Ops() {
    }

    static void checkSameDevice(String op, Tensor... ts) {
        Device d = null;
        for (Tensor t : ts) {
            if (t == null) {
                continue;
            }
            if (d == null) {
                d = t.device();
            } else if (!d.equals(t.device())) {
                throw new DeviceMismatchException(op + ": operands are on different devices (" + d + " and " + t.device() + ")");
            }
        }
    }

    static void checkNotNull(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t == null) {
                throw new TensorException(op + ": tensor argument must not be null");
            }
        }
    }

    static Tensor unary(UnaryOp op, Tensor x) {
        checkNotNull(op.name().toLowerCase(java.util.Locale.ROOT), x);
        Tensor in = op.floatOnly() && !x.dtype().isFloatingPoint() ? x.to(DType.F32) : x;
        DType outType = op.boolResult() ? DType.BOOL : in.dtype();
        Tensor out = Tensor.zeros(outType, in.device(), in.shape());
        in.backend().unary(op, in, out);
        return out;
    }

    /**
     * PyTorch's result type: zero-dim tensors take part only when they are of a higher category
     * (float over integral over bool) than all dimensioned operands.
     */
    static DType resultType(Tensor a, Tensor b) {
        boolean za = a.dim() == 0;
        boolean zb = b.dim() == 0;
        if (za == zb) {
            return DType.promote(a.dtype(), b.dtype());
        }
        Tensor dimmed = za ? b : a;
        Tensor zero = za ? a : b;
        if (category(zero.dtype()) > category(dimmed.dtype())) {
            return zero.dtype().isFloatingPoint() ? DType.F32 : DType.promote(zero.dtype(), DType.I64);
        }
        return dimmed.dtype();
    }

    private static int category(DType t) {
        return t == DType.BOOL ? 0 : t.isFloatingPoint() ? 2 : 1;
    }

    /** The dtype an op computes in, given the promoted operand dtype. */
    static DType computeType(BinaryOp op, DType common) {
        if ((op == BinaryOp.DIV || op == BinaryOp.ATAN2) && !common.isFloatingPoint()) {
            return DType.F32;
        }
        if (common == DType.BOOL && !op.boolResult() && op != BinaryOp.MAXIMUM && op != BinaryOp.MINIMUM
                && op != BinaryOp.MUL) {
            return DType.I64;
        }
        return common;
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        String name = op.name().toLowerCase(java.util.Locale.ROOT);
        checkNotNull(name, a, b);
        checkSameDevice(name, a, b);
        DType compute = computeType(op, resultType(a, b));
        int[] shape = Shapes.broadcast(name, a.shape(), b.shape());
        Tensor ea = a.to(compute).expand(shape);
        Tensor eb = b.to(compute).expand(shape);
        Tensor out = Tensor.zeros(op.boolResult() ? DType.BOOL : compute, a.device(), shape);
        a.backend().binary(op, ea, eb, out);
        return out;
    }

    /** Dtype of a Python-style scalar operand next to tensor {@code t}. */
    static DType scalarType(DType t, double v) {
        boolean integral = v == Math.rint(v) && !Double.isInfinite(v);
        if (t.isFloatingPoint()) {
            return t;
        }
        if (integral) {
            return t == DType.BOOL ? DType.I64 : t;
        }
        return DType.F32;
    }

    static Tensor scalarLike(Tensor t, double v) {
        return Tensor.full(v, t.dtype(), t.device());
    }

    static Tensor binaryScalar(BinaryOp op, Tensor a, double v) {
        checkNotNull(op.name().toLowerCase(java.util.Locale.ROOT), a);
        DType st = scalarType(a.dtype(), v);
        return binary(op, a.to(st), Tensor.full(v, st, a.device()));
    }

    static Tensor scalarBinary(BinaryOp op, double v, Tensor b) {
        checkNotNull(op.name().toLowerCase(java.util.Locale.ROOT), b);
        DType st = scalarType(b.dtype(), v);
        return binary(op, Tensor.full(v, st, b.device()), b.to(st));
    }

    static Tensor binaryInPlace(BinaryOp op, Tensor self, Tensor other) {
        String name = op.name().toLowerCase(java.util.Locale.ROOT) + "_";
        checkNotNull(name, self, other);
        checkSameDevice(name, self, other);
        if (op.boolResult()) {
            throw new TensorException(name + ": comparison ops cannot run in place");
        }
        int[] shape = Shapes.broadcast(name, self.shape(), other.shape());
        if (!java.util.Arrays.equals(shape, self.shape())) {
            throw new ShapeMismatchException(name + ": result shape " + Shapes.str(shape) + " does not match the shape "
                    + Shapes.str(self.shape()) + " of the tensor updated in place");
        }
        DType compute = computeType(op, DType.promote(self.dtype(), other.dtype()));
        if (compute != self.dtype() && !(compute.isFloatingPoint() && self.dtype().isFloatingPoint())) {
            throw new DTypeMismatchException(name + ": result type " + compute + " cannot be stored in a tensor of "
                    + self.dtype());
        }
        self.backend().binary(op, self, other.to(self.dtype()).expand(shape), self);
        return self;
    }

    static Tensor clamp(Tensor x, double min, double max) {
        Tensor r = x;
        if (!Double.isNaN(min)) {
            r = r.maximum(min);
        }
        if (!Double.isNaN(max)) {
            r = r.minimum(max);
        }
        return r == x ? x.copy() : r;
    }

    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        checkNotNull("where", cond, a, b);
        checkSameDevice("where", cond, a, b);
        if (cond.dtype() != DType.BOOL) {
            throw new DTypeMismatchException("where: condition must be a bool tensor, got " + cond.dtype());
        }
        DType t = resultType(a, b);
        int[] shape = Shapes.broadcast("where", cond.shape(), a.shape(), b.shape());
        Tensor out = Tensor.zeros(t, a.device(), shape);
        a.backend().where(cond.expand(shape), a.to(t).expand(shape), b.to(t).expand(shape), out);
        return out;
    }

    static Tensor maskedFill(Tensor x, Tensor mask, double value) {
        checkNotNull("masked_fill", x, mask);
        if (mask.dtype() != DType.BOOL) {
            throw new DTypeMismatchException("masked_fill: mask must be a bool tensor, got " + mask.dtype());
        }
        int[] shape = Shapes.broadcast("masked_fill", x.shape(), mask.shape());
        if (!java.util.Arrays.equals(shape, x.shape())) {
            throw new ShapeMismatchException("masked_fill: mask of shape " + Shapes.str(mask.shape())
                    + " does not broadcast to the input shape " + Shapes.str(x.shape()));
        }
        return where(mask, Tensor.full(value, x.dtype(), x.device()), x);
    }
}
