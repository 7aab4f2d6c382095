package org.cassl.kernels.ops;

import java.util.Locale;
import org.cassl.kernels.runtime.KernelArgs;
import org.cassl.tensor.BinaryOp;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;
import org.cassl.tensor.UnaryOp;

/**
 * Launchers of elementwise.cu: fill, copy (memcpy when both sides are dense), unary, binary and
 * where on strided operands. Dimension merging ({@link TensorDesc#merge}) runs first, so dense
 * operands reach the kernels as rank-1 views.
 */
public final class CudaElementwise {
    private static final String M = "elementwise";
    private final CudaOpContext ctx;

    public CudaElementwise(CudaOpContext ctx) {
        this.ctx = ctx;
        ctx.setElementwise(this);
    }

    public void fill(Tensor out, double value) {
        int n = out.numel();
        if (n == 0) {
            return;
        }
        DType t = out.dtype();
        long bits = fillBits(t, value);
        TensorDesc.Merged m = mergeAnyOrder(out);
        if (m.dense(0)) {
            long a = CudaOpContext.addr(out);
            if (t.byteSize() == 1) {
                ctx.runtime().memset8(a, (int) bits, n);
                return;
            }
            if (t.byteSize() == 4) {
                ctx.runtime().memset32(a, (int) bits, n);
                return;
            }
            if (bits == 0) {
                ctx.runtime().memset8(a, 0, (long) n * 8);
                return;
            }
        }
        KernelArgs args = KernelArgs.of().ptr(CudaOpContext.base(out)).bytes(m.desc(0, out.offset())).i32(n);
        switch (t.byteSize()) {
            case 1: args.u8((int) bits); break;
            case 4: args.i32((int) bits); break;
            default: args.i64(bits); break;
        }
        ctx.launchN(M, "fill_" + CudaOpContext.widthSuffix(t), n, args);
    }

    /**
     * The view of {@code t} with dims reordered by decreasing stride, then merged: for an
     * order-independent op such as fill, a permuted dense tensor becomes one dense run.
     */
    static TensorDesc.Merged mergeAnyOrder(Tensor t) {
        int[] shape = t.shape();
        int[] strides = t.strides();
        Integer[] order = new Integer[shape.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (p, q) -> Integer.compare(strides[q], strides[p]));
        int[] s = new int[shape.length];
        int[] st = new int[shape.length];
        for (int i = 0; i < order.length; i++) {
            s[i] = shape[order[i]];
            st[i] = strides[order[i]];
        }
        return TensorDesc.merge(s, st);
    }

    /**
     * The stored bit pattern of {@code value} in dtype {@code t}, with the CPU backend's
     * conversions (ElementAccess.setD): Java casts for integers, U8 wraps, BOOL is {@code value != 0}.
     */
    public static long fillBits(DType t, double value) {
        switch (t) {
            case F32: return Float.floatToRawIntBits((float) value) & 0xffffffffL;
            case F64: return Double.doubleToRawLongBits(value);
            case I64: return (long) value;
            case BOOL: return value != 0 ? 1 : 0;
            default: return ((long) value) & 0xff;
        }
    }

    public void copy(Tensor src, Tensor dst) {
        int n = dst.numel();
        if (n == 0) {
            return;
        }
        if (src.dtype() == dst.dtype() && src.isContiguous() && dst.isContiguous()) {
            ctx.runtime().copyDeviceToDevice(CudaOpContext.addr(dst), CudaOpContext.addr(src), (long) n * dst.dtype().byteSize());
            return;
        }
        TensorDesc.Merged m = TensorDesc.merge(dst.shape(), src, dst);
        if (src.dtype() == dst.dtype()) {
            ctx.launchN(M, "copy_" + CudaOpContext.widthSuffix(src.dtype()), n, KernelArgs.of()
                    .ptr(CudaOpContext.base(src)).bytes(m.desc(0, src.offset()))
                    .ptr(CudaOpContext.base(dst)).bytes(m.desc(1, dst.offset())).i32(n));
        } else {
            ctx.launchN(M, "copy_cast", n, KernelArgs.of()
                    .ptr(CudaOpContext.base(src)).i32(src.dtype().ordinal()).bytes(m.desc(0, src.offset()))
                    .ptr(CudaOpContext.base(dst)).i32(dst.dtype().ordinal()).bytes(m.desc(1, dst.offset())).i32(n));
        }
    }

    public void unary(UnaryOp op, Tensor x, Tensor out) {
        int n = out.numel();
        DType t = x.dtype();
        if (op.boolResult()) {
            if (n == 0) {
                return;
            }
            TensorDesc.Merged m = TensorDesc.merge(out.shape(), x, out);
            ctx.launchN(M, "unary_pred", n, KernelArgs.of().i32(op.ordinal())
                    .ptr(CudaOpContext.base(x)).i32(t.ordinal()).bytes(m.desc(0, x.offset()))
                    .ptr(CudaOpContext.base(out)).bytes(m.desc(1, out.offset())).i32(n));
            return;
        }
        if (t.isIntegral() && !integerUnarySupported(op)) {
            throw new TensorException(op.name().toLowerCase(Locale.ROOT) + ": not supported for integer tensors");
        }
        if (n == 0) {
            return;
        }
        TensorDesc.Merged m = TensorDesc.merge(out.shape(), x, out);
        KernelArgs args = KernelArgs.of().i32(op.ordinal())
                .ptr(CudaOpContext.base(x)).bytes(m.desc(0, x.offset()))
                .ptr(CudaOpContext.base(out)).bytes(m.desc(1, out.offset())).i32(n);
        if (t == DType.U8 || t == DType.BOOL) {
            args.i32(out.dtype() == DType.BOOL ? 1 : 0);
        }
        ctx.launchN(M, "unary_" + CudaOpContext.typeSuffix(t), n, args);
    }

    /** The integer unary ops of the CPU backend (MathOps.unaryL). */
    static boolean integerUnarySupported(UnaryOp op) {
        switch (op) {
            case NEG: case ABS: case RELU: case SIGN: case FLOOR: case CEIL: case ROUND: case SQUARE:
            case LOGICAL_NOT: case ISNAN: case ISINF:
                return true;
            default:
                return false;
        }
    }

    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        int n = out.numel();
        DType t = a.dtype();
        if (!op.boolResult() && t.isIntegral() && (op == BinaryOp.DIV || op == BinaryOp.ATAN2)) {
            throw new TensorException(op.name().toLowerCase(Locale.ROOT) + ": not supported for integer tensors");
        }
        if (n == 0) {
            return;
        }
        TensorDesc.Merged m = TensorDesc.merge(out.shape(), a, b, out);
        if (op.boolResult()) {
            ctx.launchN(M, "compare_any", n, KernelArgs.of().i32(op.ordinal())
                    .ptr(CudaOpContext.base(a)).bytes(m.desc(0, a.offset()))
                    .ptr(CudaOpContext.base(b)).bytes(m.desc(1, b.offset())).i32(t.ordinal())
                    .ptr(CudaOpContext.base(out)).bytes(m.desc(2, out.offset())).i32(n));
            return;
        }
        KernelArgs args = KernelArgs.of().i32(op.ordinal())
                .ptr(CudaOpContext.base(a)).bytes(m.desc(0, a.offset()))
                .ptr(CudaOpContext.base(b)).bytes(m.desc(1, b.offset()))
                .ptr(CudaOpContext.base(out)).bytes(m.desc(2, out.offset())).i32(n);
        boolean integral = t.isIntegral();
        if (integral) {
            args.ptr(ctx.runtime().errorWord());
            if (t == DType.U8 || t == DType.BOOL) {
                args.i32(out.dtype() == DType.BOOL ? 1 : 0);
            }
        }
        ctx.launchN(M, "binary_" + CudaOpContext.typeSuffix(t), n, args);
        if (integral && (op == BinaryOp.REMAINDER || op == BinaryOp.FLOOR_DIV || op == BinaryOp.POW)) {
            ctx.checkErrors(opName(op));
        }
    }

    private static String opName(BinaryOp op) {
        switch (op) {
            case REMAINDER: return "remainder";
            case FLOOR_DIV: return "floor_divide";
            default: return op.name().toLowerCase(Locale.ROOT);
        }
    }

    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        int n = out.numel();
        if (n == 0) {
            return;
        }
        TensorDesc.Merged m = TensorDesc.merge(out.shape(), cond, a, b, out);
        ctx.launchN(M, "where_" + CudaOpContext.widthSuffix(out.dtype()), n, KernelArgs.of()
                .ptr(CudaOpContext.base(cond)).bytes(m.desc(0, cond.offset()))
                .ptr(CudaOpContext.base(a)).bytes(m.desc(1, a.offset()))
                .ptr(CudaOpContext.base(b)).bytes(m.desc(2, b.offset()))
                .ptr(CudaOpContext.base(out)).bytes(m.desc(3, out.offset())).i32(n));
    }
}
