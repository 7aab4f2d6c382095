package org.cassl.kernels.crosscheck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cassl.tensor.DType;
import org.cassl.tensor.ReduceOp;
import org.cassl.tensor.Shapes;
import org.cassl.tensor.Tensor;

/** reduce over dim sets, max/min with indices, cumsum. */
final class ReduceCases {
    private ReduceCases() {
    }

    /** A shape, a view of it and the dims to reduce. */
    record R(int[] shape, int[] dims, boolean transposed) {
    }

    static final R[] SHAPES = {
        new R(new int[] {7}, new int[] {0}, false),
        new R(new int[] {3, 4, 5}, new int[] {1}, false),
        new R(new int[] {3, 4, 5}, new int[] {0, 2}, false),
        new R(new int[] {3, 4, 5}, new int[] {0, 1, 2}, false),
        new R(new int[] {1000, 3}, new int[] {0}, false),
        new R(new int[] {65, 33}, new int[] {1}, true),
        new R(new int[] {2, 100_000}, new int[] {1}, false),
        new R(new int[] {300_000}, new int[] {0}, false),
        new R(new int[] {0, 5}, new int[] {0}, false),
        new R(new int[] {4, 0}, new int[] {1}, false),
    };

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (ReduceOp op : ReduceOp.values()) {
            out.add(new Case("reduce", "reduce " + op, c -> {
                for (DType t : DType.values()) {
                    if (t == DType.BOOL && op != ReduceOp.ANY && op != ReduceOp.ALL) {
                        continue;
                    }
                    for (R r : SHAPES) {
                        boolean empty = Shapes.numel(r.shape()) == 0;
                        if (empty && (op == ReduceOp.MAX || op == ReduceOp.MIN)) {
                            continue;
                        }
                        Tensor base = op == ReduceOp.PROD && t.isFloatingPoint() ? c.uniform(t, 0.9, 1.1, r.shape())
                                : op == ReduceOp.PROD ? c.randint(-2, 3, r.shape()).to(t) : c.random(t, r.shape());
                        Ctx.Pair x = c.pair(r.transposed() ? base.t().contiguous() : base, v -> r.transposed() ? v.t() : v);
                        int[] os = x.shape();
                        for (int d : r.dims()) {
                            os[d] = 1;
                        }
                        DType ot = op == ReduceOp.ANY || op == ReduceOp.ALL ? DType.BOOL : t;
                        Ctx.Pair y = c.zeros(ot, os);
                        c.cpu.reduce(op, x.cpu(), r.dims(), y.cpu());
                        c.gpu.reduce(op, x.gpu(), r.dims(), y.gpu());
                        c.close(op + " " + t + " " + Arrays.toString(r.shape()) + " dims " + Arrays.toString(r.dims()),
                                y.cpu(), y.gpu(), t == DType.F32 ? 1e-6 : 1e-12, t == DType.F32 ? 1e-5 : 1e-10);
                    }
                }
            }));
        }
        for (ReduceOp op : new ReduceOp[] {ReduceOp.MAX, ReduceOp.MIN}) {
            out.add(new Case("reduce", "arg" + op + " with ties and NaN", c -> {
                for (DType t : new DType[] {DType.F32, DType.F64, DType.I64, DType.U8}) {
                    for (int[] shape : new int[][] {{5}, {3, 40}, {2000, 7}, {3, 7000}}) {
                        for (int dim = 0; dim < shape.length; dim++) {
                            Tensor base = t.isFloatingPoint() ? c.randint(-3, 4, shape).to(t) : c.random(t, shape);
                            if (t.isFloatingPoint() && c.rng.nextBoolean()) {
                                base = Tensor.where(c.uniform(DType.F64, 0, 1, shape).lt(0.01),
                                        Tensor.full(Double.NaN, t, shape), base);
                            }
                            Ctx.Pair x = c.pair(base);
                            int[] os = shape.clone();
                            os[dim] = 1;
                            Ctx.Pair v = c.zeros(t, os);
                            Ctx.Pair i = c.zeros(DType.I64, os);
                            c.cpu.argReduce(op, x.cpu(), dim, v.cpu(), i.cpu());
                            c.gpu.argReduce(op, x.gpu(), dim, v.gpu(), i.gpu());
                            String what = op + " " + t + " " + Arrays.toString(shape) + " dim " + dim;
                            c.exact(what + " values", v.cpu(), v.gpu());
                            c.exact(what + " indices", i.cpu(), i.gpu());
                        }
                    }
                }
            }));
        }
        out.add(new Case("reduce", "cumsum", c -> {
            for (DType t : new DType[] {DType.F32, DType.F64, DType.I64}) {
                for (int[] shape : new int[][] {{1}, {37}, {5, 300}, {3000, 3}, {2, 5000}}) {
                    for (int dim = 0; dim < shape.length; dim++) {
                        Ctx.Pair x = c.pair(c.random(t, shape));
                        Ctx.Pair y = c.zeros(t, shape);
                        c.cpu.cumsum(x.cpu(), dim, y.cpu());
                        c.gpu.cumsum(x.gpu(), dim, y.gpu());
                        c.close("cumsum " + t + " " + Arrays.toString(shape) + " dim " + dim, y.cpu(), y.gpu(),
                                t == DType.F32 ? 1e-6 : 1e-12, t == DType.F32 ? 1e-5 : 1e-10);
                    }
                }
                Ctx.Pair x = c.pair(c.random(t, 30, 20), v -> v.t());
                Ctx.Pair y = c.zeros(t, 20, 30);
                c.cpu.cumsum(x.cpu(), 1, y.cpu());
                c.gpu.cumsum(x.gpu(), 1, y.gpu());
                c.close("cumsum " + t + " transposed", y.cpu(), y.gpu(), 1e-6, 1e-5);
            }
        }));
        return out;
    }
}
