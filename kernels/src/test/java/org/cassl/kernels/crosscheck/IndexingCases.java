package org.cassl.kernels.crosscheck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;

/** index_select, index_add, gather, scatter_add, nonzero, sort, topk. */
final class IndexingCases {
    private IndexingCases() {
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        out.add(new Case("indexing", "index_select and index_add", c -> {
            for (DType t : DType.values()) {
                for (int[] s : new int[][] {{6}, {5, 7}, {4, 3, 9}}) {
                    for (int dim = 0; dim < s.length; dim++) {
                        int m = 1 + c.rng.nextInt(2 * s[dim]);
                        Ctx.Pair idx = c.pair(c.randint(0, s[dim], m));
                        Ctx.Pair x = c.pair(c.random(t, s), v -> v.dim() > 1 ? v.transpose(0, v.dim() - 1)
                                .transpose(0, v.dim() - 1) : v);
                        int[] os = s.clone();
                        os[dim] = m;
                        Ctx.Pair y = c.zeros(t, os);
                        c.cpu.indexSelect(x.cpu(), dim, idx.cpu(), y.cpu());
                        c.gpu.indexSelect(x.gpu(), dim, idx.gpu(), y.gpu());
                        String what = t + " " + Arrays.toString(s) + " dim " + dim;
                        c.exact("index_select " + what, y.cpu(), y.gpu());
                        if (t == DType.BOOL) {
                            continue;
                        }
                        Ctx.Pair acc = c.pair(c.random(t, s));
                        Ctx.Pair src = c.pair(t.isFloatingPoint() ? c.random(t, os) : c.randint(0, 5, os).to(t));
                        c.cpu.indexAdd(acc.cpu(), dim, idx.cpu(), src.cpu());
                        c.gpu.indexAdd(acc.gpu(), dim, idx.gpu(), src.gpu());
                        c.close("index_add " + what, acc.cpu(), acc.gpu(), 1e-6, 1e-6);
                    }
                }
            }
            Ctx.Pair x = c.pair(c.random(DType.F32, 4, 3));
            Ctx.Pair bad = c.pair(Tensor.of(new long[] {1, 4}, 2));
            Ctx.Pair y = c.zeros(DType.F32, 2, 3);
            c.sameFailure("index_select out of range", () -> c.cpu.indexSelect(x.cpu(), 0, bad.cpu(), y.cpu()),
                    () -> c.gpu.indexSelect(x.gpu(), 0, bad.gpu(), y.gpu()));
        }));
        out.add(new Case("indexing", "gather and scatter_add", c -> {
            for (DType t : new DType[] {DType.F32, DType.F64, DType.I64, DType.U8}) {
                for (int[] s : new int[][] {{8}, {5, 7}, {4, 6, 9}}) {
                    for (int dim = 0; dim < s.length; dim++) {
                        int[] is = s.clone();
                        for (int d = 0; d < is.length; d++) {
                            is[d] = d == dim ? 1 + c.rng.nextInt(2 * s[d]) : 1 + c.rng.nextInt(s[d]);
                        }
                        Ctx.Pair idx = c.pair(c.randint(0, s[dim], is));
                        Ctx.Pair x = c.pair(c.random(t, s));
                        Ctx.Pair y = c.zeros(t, is);
                        c.cpu.gather(x.cpu(), dim, idx.cpu(), y.cpu());
                        c.gpu.gather(x.gpu(), dim, idx.gpu(), y.gpu());
                        String what = t + " " + Arrays.toString(s) + " index " + Arrays.toString(is) + " dim " + dim;
                        c.exact("gather " + what, y.cpu(), y.gpu());
                        Ctx.Pair acc = c.pair(c.random(t, s));
                        Ctx.Pair src = c.pair(t.isFloatingPoint() ? c.random(t, is) : c.randint(0, 5, is).to(t));
                        c.cpu.scatterAdd(acc.cpu(), dim, idx.cpu(), src.cpu());
                        c.gpu.scatterAdd(acc.gpu(), dim, idx.gpu(), src.gpu());
                        c.close("scatter_add " + what, acc.cpu(), acc.gpu(), 1e-6, 1e-6);
                    }
                }
            }
        }));
        out.add(new Case("indexing", "nonzero", c -> {
            for (DType t : DType.values()) {
                for (int[] s : new int[][] {{0}, {1}, {17}, {3, 4, 5}, {300, 700}}) {
                    Tensor base = c.random(t, s);
                    if (t.isFloatingPoint()) {
                        base = Tensor.where(c.uniform(DType.F64, 0, 1, s).lt(0.5), Tensor.zeros(t, s), base);
                    }
                    Ctx.Pair x = c.pair(base);
                    c.exact("nonzero " + t + " " + Arrays.toString(s), c.cpu.nonzero(x.cpu()), c.gpu.nonzero(x.gpu()));
                }
            }
        }));
        out.add(new Case("indexing", "stable sort with ties and NaN", c -> {
            for (DType t : new DType[] {DType.F32, DType.F64, DType.I64, DType.U8}) {
                for (int[] s : new int[][] {{1}, {9}, {2048}, {5000}, {7, 300}, {300, 7}}) {
                    for (int dim = 0; dim < s.length; dim++) {
                        for (boolean desc : new boolean[] {false, true}) {
                            Tensor base = t.isFloatingPoint() ? c.randint(-20, 20, s).to(t).div(4) : c.randint(0, 30, s).to(t);
                            if (t.isFloatingPoint()) {
                                base = Tensor.where(c.uniform(DType.F64, 0, 1, s).lt(0.03), Tensor.full(Double.NaN, t, s),
                                        base);
                            }
                            Ctx.Pair x = c.pair(base);
                            Ctx.Pair v = c.zeros(t, s);
                            Ctx.Pair i = c.zeros(DType.I64, s);
                            c.cpu.sort(x.cpu(), dim, desc, v.cpu(), i.cpu());
                            c.gpu.sort(x.gpu(), dim, desc, v.gpu(), i.gpu());
                            String what = "sort " + t + " " + Arrays.toString(s) + " dim " + dim + " desc=" + desc;
                            c.exact(what + " values", v.cpu(), v.gpu());
                            c.exact(what + " indices", i.cpu(), i.gpu());
                        }
                    }
                }
            }
        }));
        out.add(new Case("indexing", "topk with ties", c -> {
            for (DType t : new DType[] {DType.F32, DType.F64, DType.I64}) {
                for (int[] s : new int[][] {{10}, {20000}, {6, 50}}) {
                    int dim = s.length - 1;
                    for (int k : new int[] {1, 5, s[dim]}) {
                        for (boolean largest : new boolean[] {true, false}) {
                            Ctx.Pair x = c.pair(c.randint(-50, 50, s).to(t));
                            int[] os = s.clone();
                            os[dim] = k;
                            Ctx.Pair v = c.zeros(t, os);
                            Ctx.Pair i = c.zeros(DType.I64, os);
                            c.cpu.topk(x.cpu(), k, dim, largest, v.cpu(), i.cpu());
                            c.gpu.topk(x.gpu(), k, dim, largest, v.gpu(), i.gpu());
                            String what = "topk " + t + " " + Arrays.toString(s) + " k=" + k + " largest=" + largest;
                            c.exact(what + " values", v.cpu(), v.gpu());
                            c.exact(what + " indices", i.cpu(), i.gpu());
                        }
                    }
                }
            }
        }));
        return out;
    }
}
