package org.cassl.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Binary ops on random broadcastable shapes (leading dims dropped, dims set to 1, operands
 * sometimes non-contiguous) against a naive element-by-element reference.
 */
class BroadcastPropertiesTest {
    private static final BinaryOp[] OPS = {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MAXIMUM,
        BinaryOp.MINIMUM, BinaryOp.GT, BinaryOp.EQ};

    private static DoubleBinaryOperator reference(BinaryOp op) {
        switch (op) {
            case ADD: return (a, b) -> a + b;
            case SUB: return (a, b) -> a - b;
            case MUL: return (a, b) -> a * b;
            case DIV: return (a, b) -> a / b;
            case MAXIMUM: return Math::max;
            case MINIMUM: return Math::min;
            case GT: return (a, b) -> a > b ? 1 : 0;
            default: return (a, b) -> a == b ? 1 : 0;
        }
    }

    private static Tensor apply(BinaryOp op, Tensor a, Tensor b) {
        switch (op) {
            case ADD: return a.add(b);
            case SUB: return a.sub(b);
            case MUL: return a.mul(b);
            case DIV: return a.div(b);
            case MAXIMUM: return a.maximum(b);
            case MINIMUM: return a.minimum(b);
            case GT: return a.gt(b);
            default: return a.eq(b);
        }
    }

    /** An operand shape that broadcasts to {@code out}: some leading dims dropped, some dims set to 1. */
    static int[] operandShape(Random rnd, int[] out) {
        int drop = rnd.nextInt(out.length + 1);
        int[] s = Arrays.copyOfRange(out, drop, out.length);
        for (int i = 0; i < s.length; i++) {
            if (rnd.nextInt(3) == 0) {
                s[i] = 1;
            }
        }
        return s;
    }

    /** Small integer values (exact in float32), as a contiguous tensor or a transposed view. */
    static Tensor operand(Random rnd, int[] shape, DType dtype, double[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = rnd.nextInt(9) - 4;
        }
        Tensor t = Tensor.of(values, shape).to(dtype);
        if (shape.length >= 2 && rnd.nextBoolean()) {
            // same values, transposed memory layout
            t = t.transpose(-1, -2).contiguous().transpose(-1, -2);
        }
        return t;
    }

    static double at(double[] values, int[] shape, int[] outIdx) {
        int lead = outIdx.length - shape.length;
        int f = 0;
        for (int d = 0; d < shape.length; d++) {
            f = f * shape[d] + (shape[d] == 1 ? 0 : outIdx[d + lead]);
        }
        return values[f];
    }

    @Property(tries = 300)
    void binaryOpsMatchTheNaiveBroadcast(@ForAll @IntRange(min = 0, max = 4) int rank, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = 1 + rnd.nextInt(4);
        }
        int[] sa = operandShape(rnd, out);
        int[] sb = operandShape(rnd, out);
        int[] expectedShape = Shapes.broadcast("test", sa, sb);
        DType dtype = rnd.nextBoolean() ? DType.F32 : DType.F64;
        double[] va = new double[Shapes.numel(sa)];
        double[] vb = new double[Shapes.numel(sb)];
        Tensor a = operand(rnd, sa, dtype, va);
        Tensor b = operand(rnd, sb, dtype, vb);
        BinaryOp op = OPS[rnd.nextInt(OPS.length)];
        String what = op + " " + Arrays.toString(sa) + " x " + Arrays.toString(sb) + " " + dtype;

        Tensor r = apply(op, a, b);
        assertArrayEquals(expectedShape, r.shape(), what);
        assertEquals(op.boolResult() ? DType.BOOL : dtype, r.dtype(), what);
        double[] got = r.toDoubleArray();
        DoubleBinaryOperator ref = reference(op);
        for (int f = 0; f < got.length; f++) {
            int[] idx = ViewPropertiesTest.unravel(f, expectedShape);
            double x = at(va, sa, idx);
            double y = at(vb, sb, idx);
            double e = ref.applyAsDouble(x, y);
            if (dtype == DType.F32 && !op.boolResult()) {
                e = (float) e;
            }
            assertEquals(e, got[f], 0, what + " at " + Arrays.toString(idx) + " (" + x + ", " + y + ")");
        }
    }

    @Property(tries = 200)
    void whereBroadcastsAllThreeOperands(@ForAll @IntRange(min = 0, max = 4) int rank, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = 1 + rnd.nextInt(3);
        }
        int[] sc = operandShape(rnd, out);
        int[] sa = operandShape(rnd, out);
        int[] sb = operandShape(rnd, out);
        double[] vc = new double[Shapes.numel(sc)];
        double[] va = new double[Shapes.numel(sa)];
        double[] vb = new double[Shapes.numel(sb)];
        Tensor cond = operand(rnd, sc, DType.F64, vc).gt(0);
        Tensor a = operand(rnd, sa, DType.F64, va);
        Tensor b = operand(rnd, sb, DType.F64, vb);
        int[] shape = Shapes.broadcast("test", sc, sa, sb);
        Tensor r = Tensor.where(cond, a, b);
        assertArrayEquals(shape, r.shape());
        double[] got = r.toDoubleArray();
        for (int f = 0; f < got.length; f++) {
            int[] idx = ViewPropertiesTest.unravel(f, shape);
            double e = at(vc, sc, idx) > 0 ? at(va, sa, idx) : at(vb, sb, idx);
            assertEquals(e, got[f], 0, "where at " + Arrays.toString(idx));
        }
    }

    @Property(tries = 200)
    void incompatibleShapesAreRejectedNamingTheOp(@ForAll @IntRange(min = 1, max = 4) int rank, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] sa = new int[rank];
        for (int i = 0; i < rank; i++) {
            sa[i] = 2 + rnd.nextInt(3);
        }
        int[] sb = operandShape(rnd, sa);
        if (sb.length == 0) {
            sb = new int[] {sa[rank - 1]};
        }
        int d = rnd.nextInt(sb.length);
        sb[d] = sa[d + rank - sb.length] + 1; // neither equal nor 1
        int[] fb = sb;
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Tensor.zeros(sa).add(Tensor.zeros(fb)));
        assertEquals(true, e.getMessage().startsWith("add"), e.getMessage());
    }
}
