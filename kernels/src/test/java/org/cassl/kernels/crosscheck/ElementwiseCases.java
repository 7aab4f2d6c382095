package org.cassl.kernels.crosscheck;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.cassl.tensor.BinaryOp;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.UnaryOp;

/** fill, copy/cast, unary, binary and where on many shapes, views and dtypes. */
final class ElementwiseCases {
    private ElementwiseCases() {
    }

    /** A base shape and a view of it. */
    record View(String name, int[] base, UnaryOperator<Tensor> view) {
    }

    static List<View> views() {
        return List.of(
                new View("[0]", new int[] {0}, t -> t),
                new View("[1]", new int[] {1}, t -> t),
                new View("[37]", new int[] {37}, t -> t),
                new View("[33,65]^T", new int[] {33, 65}, t -> t.t()),
                new View("[3,4,5] permuted", new int[] {3, 4, 5}, t -> t.permute(2, 0, 1)),
                new View("[40,50] step-2 slice", new int[] {40, 50}, t -> t.slice(1, 1, 50, 2)),
                new View("[9,1,7] expanded", new int[] {9, 1, 7}, t -> t.expand(9, 6, 7)),
                new View("[300000]", new int[] {300000}, t -> t));
    }

    static final DType[] ALL = DType.values();

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        out.add(new Case("elementwise", "fill every dtype and view", c -> {
            for (DType t : ALL) {
                for (View v : views()) {
                    if (v.name().contains("expanded")) {
                        continue;  // filling a broadcast view writes one element many times; skip
                    }
                    for (double value : new double[] {0, 1.5, -2, Double.NaN, 300}) {
                        Ctx.Pair x = c.pair(c.random(t, v.base()), v.view());
                        c.cpu.fill(x.cpu(), value);
                        c.gpu.fill(x.gpu(), value);
                        c.exact("fill " + t + " " + v.name() + " " + value, x.cpu(), x.gpu());
                    }
                }
            }
        }));
        out.add(new Case("elementwise", "copy and cast between all dtypes", c -> {
            for (DType from : ALL) {
                for (DType to : ALL) {
                    for (View v : views()) {
                        Ctx.Pair x = c.pair(from.isFloatingPoint() ? c.uniform(from, -300, 300, v.base()) : c.random(from, v.base()),
                                v.view());
                        Ctx.Pair y = c.zeros(to, x.shape());
                        c.cpu.copy(x.cpu(), y.cpu());
                        c.gpu.copy(x.gpu(), y.gpu());
                        c.exact("copy " + from + "->" + to + " " + v.name(), y.cpu(), y.gpu());
                    }
                }
            }
        }));
        for (UnaryOp op : UnaryOp.values()) {
            out.add(new Case("elementwise", "unary " + op, c -> {
                for (DType t : ALL) {
                    if (t.isIntegral() && op.floatOnly()) {
                        continue;
                    }
                    for (View v : views()) {
                        Ctx.Pair x = c.pair(c.random(t, v.base()), v.view());
                        Ctx.Pair y = c.zeros(op.boolResult() ? DType.BOOL : t, x.shape());
                        c.cpu.unary(op, x.cpu(), y.cpu());
                        c.gpu.unary(op, x.gpu(), y.gpu());
                        c.close(op + " " + t + " " + v.name(), y.cpu(), y.gpu(), t == DType.F32 ? 2e-6 : 1e-13,
                                t == DType.F32 ? 1e-7 : 1e-15);
                    }
                }
            }));
        }
        for (BinaryOp op : BinaryOp.values()) {
            out.add(new Case("elementwise", "binary " + op, c -> binary(c, op)));
        }
        out.add(new Case("elementwise", "integer division by zero and negative powers fail on both", c -> {
            for (BinaryOp op : new BinaryOp[] {BinaryOp.REMAINDER, BinaryOp.FLOOR_DIV, BinaryOp.POW}) {
                Ctx.Pair a = c.pair(Tensor.of(new long[] {4, 5, 6}, 3));
                Ctx.Pair b = c.pair(Tensor.of(op == BinaryOp.POW ? new long[] {1, -2, 1} : new long[] {1, 0, 2}, 3));
                Ctx.Pair y = c.zeros(DType.I64, 3);
                c.sameFailure(op.toString(), () -> c.cpu.binary(op, a.cpu(), b.cpu(), y.cpu()),
                        () -> c.gpu.binary(op, a.gpu(), b.gpu(), y.gpu()));
            }
        }));
        out.add(new Case("elementwise", "where with broadcasting", c -> {
            for (DType t : ALL) {
                Ctx.Pair cond = c.pair(c.random(DType.BOOL, 5, 1, 7), x -> x.expand(5, 6, 7));
                Ctx.Pair a = c.pair(c.random(t, 1, 6, 7), x -> x.expand(5, 6, 7));
                Ctx.Pair b = c.pair(c.random(t, 7, 6, 5), x -> x.permute(2, 1, 0));
                Ctx.Pair y = c.zeros(t, 5, 6, 7);
                c.cpu.where(cond.cpu(), a.cpu(), b.cpu(), y.cpu());
                c.gpu.where(cond.gpu(), a.gpu(), b.gpu(), y.gpu());
                c.exact("where " + t, y.cpu(), y.gpu());
            }
        }));
        return out;
    }

    private static void binary(Ctx c, BinaryOp op) {
        for (DType t : ALL) {
            if (t == DType.BOOL && !op.boolResult() && op != BinaryOp.MAXIMUM && op != BinaryOp.MINIMUM) {
                continue;
            }
            if (t.isIntegral() && (op == BinaryOp.DIV || op == BinaryOp.ATAN2)) {
                continue;
            }
            int[][] shapes = {{5, 1, 7}, {1, 6, 7}, {0, 3}, {1, 3}, {1000, 300}, {1000, 300}, {}, {4}};
            for (int s = 0; s < shapes.length; s += 2) {
                int[] sa = shapes[s];
                int[] sb = shapes[s + 1];
                int[] so = org.cassl.tensor.Shapes.broadcast("test", sa, sb);
                Ctx.Pair a = c.pair(operand(c, t, op, false, sa), x -> x.expand(so));
                Ctx.Pair b = c.pair(operand(c, t, op, true, sb), x -> x.expand(so));
                Ctx.Pair y = c.zeros(op.boolResult() ? DType.BOOL : t, so);
                c.cpu.binary(op, a.cpu(), b.cpu(), y.cpu());
                c.gpu.binary(op, a.gpu(), b.gpu(), y.gpu());
                double rtol = t == DType.F32 ? (op == BinaryOp.POW || op == BinaryOp.ATAN2 ? 4e-6 : 0) : 1e-15;
                c.close(op + " " + t + " " + java.util.Arrays.toString(so), y.cpu(), y.gpu(), rtol, 0);
            }
            if (!op.boolResult()) {
                // in place into a strided output that is also the first operand
                Ctx.Pair a = c.pair(operand(c, t, op, false, 12, 9), x -> x.t());
                Ctx.Pair b = c.pair(operand(c, t, op, true, 9, 12));
                c.cpu.binary(op, a.cpu(), b.cpu(), a.cpu());
                c.gpu.binary(op, a.gpu(), b.gpu(), a.gpu());
                c.close(op + " " + t + " in place", a.cpu(), a.gpu(), t == DType.F32 ? 4e-6 : 1e-15, 0);
            }
        }
    }

    /** Operands that keep every op defined: positive bases and small exponents for integer pow, no zero divisors. */
    private static Tensor operand(Ctx c, DType t, BinaryOp op, boolean second, int... shape) {
        if (t.isIntegral() && second && (op == BinaryOp.REMAINDER || op == BinaryOp.FLOOR_DIV)) {
            Tensor r = c.randint(1, 9, shape);
            return r.mul(c.randint(0, 2, shape).mul(2).sub(1)).to(t == DType.I64 ? DType.I64 : t);
        }
        if (t.isIntegral() && op == BinaryOp.POW) {
            return (second ? c.randint(0, 5, shape) : c.randint(-4, 5, shape)).to(t == DType.I64 ? DType.I64 : DType.U8);
        }
        if (t.isIntegral() && t != DType.I64 && (op == BinaryOp.REMAINDER || op == BinaryOp.FLOOR_DIV)) {
            return c.randint(1, 200, shape).to(t);
        }
        return c.random(t, shape);
    }
}
