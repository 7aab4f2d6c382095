package org.cassl.kernels.crosscheck;

import java.util.ArrayList;
import java.util.List;
import org.cassl.tensor.DType;
import org.cassl.tensor.InterpolationMode;
import org.cassl.tensor.Pool2dParams;

/** Pooling, interpolation and normalisation, forward and backward. */
final class NnCases {
    private NnCases() {
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        out.add(new Case("nn", "max/avg pooling forward and backward", c -> {
            Pool2dParams[] ps = {
                Pool2dParams.of(2, 2, 0),
                Pool2dParams.of(3, 2, 1),
                Pool2dParams.of(3, 2, 1).withCeilMode(true),
                Pool2dParams.of(3, 1, 1).withCountIncludePad(false),
                new Pool2dParams(3, 2, 2, 1, 1, 0, 2, 1, true, true),
                Pool2dParams.of(5, 3, 2).withCeilMode(true).withCountIncludePad(false),
            };
            for (DType t : new DType[] {DType.F32, DType.F64}) {
                for (Pool2dParams p : ps) {
                    for (int[] s : new int[][] {{2, 3, 8, 9}, {1, 2, 13, 7}, {1, 1, 1, 5}}) {
                        int oh = p.outH(s[2]);
                        int ow = p.outW(s[3]);
                        if (oh <= 0 || ow <= 0) {
                            continue;
                        }
                        String what = t + " " + p + " " + java.util.Arrays.toString(s);
                        Ctx.Pair x = c.pair(c.randint(-5, 6, s).to(t));  // ties test the first-maximum rule
                        Ctx.Pair y = c.zeros(t, s[0], s[1], oh, ow);
                        Ctx.Pair idx = c.zeros(DType.I64, s[0], s[1], oh, ow);
                        c.cpu.maxPool2d(x.cpu(), p, y.cpu(), idx.cpu());
                        c.gpu.maxPool2d(x.gpu(), p, y.gpu(), idx.gpu());
                        c.exact("max pool " + what, y.cpu(), y.gpu());
                        c.exact("max pool indices " + what, idx.cpu(), idx.gpu());
                        Ctx.Pair gy = c.pair(c.random(t, s[0], s[1], oh, ow));
                        Ctx.Pair gx = c.zeros(t, s);
                        c.cpu.maxPool2dBackward(gy.cpu(), idx.cpu(), gx.cpu());
                        c.gpu.maxPool2dBackward(gy.gpu(), idx.gpu(), gx.gpu());
                        c.close("max pool backward " + what, gx.cpu(), gx.gpu(), 1e-6, 1e-6);
                        if (p.dilationH() == 1 && p.dilationW() == 1) {
                            Ctx.Pair xa = c.pair(c.random(t, s));
                            Ctx.Pair ya = c.zeros(t, s[0], s[1], oh, ow);
                            c.cpu.avgPool2d(xa.cpu(), p, ya.cpu());
                            c.gpu.avgPool2d(xa.gpu(), p, ya.gpu());
                            c.close("avg pool " + what, ya.cpu(), ya.gpu(), 1e-6, 1e-6);
                            Ctx.Pair ga = c.zeros(t, s);
                            c.cpu.avgPool2dBackward(gy.cpu(), p, ga.cpu());
                            c.gpu.avgPool2dBackward(gy.gpu(), p, ga.gpu());
                            c.close("avg pool backward " + what, ga.cpu(), ga.gpu(), 1e-6, 1e-6);
                        }
                    }
                }
            }
        }));
        out.add(new Case("nn", "nearest and bilinear resize forward and backward", c -> {
            // in H, W, out H, W, scaleH, scaleW (<= 0: from sizes)
            double[][] cfgs = {{5, 7, 10, 14, -1, -1}, {5, 7, 10, 14, 2, 2}, {8, 8, 5, 3, -1, -1}, {7, 9, 16, 20, 2.3, 2.25},
                {1, 1, 4, 4, -1, -1}, {6, 4, 6, 4, -1, -1}, {25, 42, 50, 84, 2, 2}};
            for (DType t : new DType[] {DType.F32, DType.F64}) {
                for (double[] q : cfgs) {
                    for (InterpolationMode mode : InterpolationMode.values()) {
                        for (boolean align : new boolean[] {false, true}) {
                            if (mode == InterpolationMode.NEAREST && align) {
                                continue;
                            }
                            int h = (int) q[0];
                            int w = (int) q[1];
                            int oh = (int) q[2];
                            int ow = (int) q[3];
                            String what = mode + " align=" + align + " " + t + " " + java.util.Arrays.toString(q);
                            Ctx.Pair x = c.pair(c.random(t, 2, 3, h, w));
                            Ctx.Pair y = c.zeros(t, 2, 3, oh, ow);
                            c.cpu.upsample2d(x.cpu(), mode, align, q[4], q[5], y.cpu());
                            c.gpu.upsample2d(x.gpu(), mode, align, q[4], q[5], y.gpu());
                            c.close(what, y.cpu(), y.gpu(), t == DType.F32 ? 1e-5 : 1e-12, t == DType.F32 ? 1e-6 : 1e-13);
                            Ctx.Pair gy = c.pair(c.random(t, 2, 3, oh, ow));
                            Ctx.Pair gx = c.zeros(t, 2, 3, h, w);
                            c.cpu.upsample2dBackward(gy.cpu(), mode, align, q[4], q[5], gx.cpu());
                            c.gpu.upsample2dBackward(gy.gpu(), mode, align, q[4], q[5], gx.gpu());
                            c.close(what + " backward", gx.cpu(), gx.gpu(), t == DType.F32 ? 1e-5 : 1e-12,
                                    t == DType.F32 ? 1e-5 : 1e-12);
                        }
                    }
                }
            }
        }));
        out.add(new Case("nn", "group norm forward and backward", c -> {
            for (DType t : new DType[] {DType.F32, DType.F64}) {
                for (int[] s : new int[][] {{2, 6, 5, 4}, {1, 32, 25, 42}, {3, 4, 1, 1}, {2, 8}}) {
                    for (int groups : new int[] {1, 2, s[1]}) {
                        for (boolean affine : new boolean[] {true, false}) {
                            String what = t + " " + java.util.Arrays.toString(s) + " G=" + groups + " affine=" + affine;
                            Ctx.Pair x = c.pair(c.random(t, s).mul(3).add(1));
                            Ctx.Pair wt = affine ? c.pair(c.random(t, s[1])) : new Ctx.Pair(null, null);
                            Ctx.Pair b = affine ? c.pair(c.random(t, s[1])) : new Ctx.Pair(null, null);
                            Ctx.Pair y = c.zeros(t, s);
                            Ctx.Pair mean = c.zeros(t, s[0], groups);
                            Ctx.Pair rstd = c.zeros(t, s[0], groups);
                            c.cpu.groupNorm(x.cpu(), wt.cpu(), b.cpu(), groups, 1e-5, y.cpu(), mean.cpu(), rstd.cpu());
                            c.gpu.groupNorm(x.gpu(), wt.gpu(), b.gpu(), groups, 1e-5, y.gpu(), mean.gpu(), rstd.gpu());
                            double tol = t == DType.F32 ? 2e-5 : 1e-11;
                            c.close("group norm " + what, y.cpu(), y.gpu(), tol, tol);
                            c.close("group norm mean " + what, mean.cpu(), mean.gpu(), tol, tol);
                            c.close("group norm rstd " + what, rstd.cpu(), rstd.gpu(), tol, tol);
                            Ctx.Pair gy = c.pair(c.random(t, s));
                            Ctx.Pair gx = c.zeros(t, s);
                            Ctx.Pair gw = c.zeros(t, s[1]);
                            Ctx.Pair gb = c.zeros(t, s[1]);
                            c.cpu.groupNormBackward(gy.cpu(), x.cpu(), wt.cpu(), mean.cpu(), rstd.cpu(), groups, gx.cpu(),
                                    gw.cpu(), gb.cpu());
                            c.gpu.groupNormBackward(gy.gpu(), x.gpu(), wt.gpu(), mean.gpu(), rstd.gpu(), groups, gx.gpu(),
                                    gw.gpu(), gb.gpu());
                            c.close("group norm grad x " + what, gx.cpu(), gx.gpu(), tol * 10, tol * 10);
                            c.close("group norm grad w " + what, gw.cpu(), gw.gpu(), tol * 10, tol * 10);
                            c.close("group norm grad b " + what, gb.cpu(), gb.gpu(), tol * 10, tol * 10);
                        }
                    }
                }
            }
        }));
        out.add(new Case("nn", "batch norm forward and backward", c -> {
            for (DType t : new DType[] {DType.F32, DType.F64}) {
                for (int[] s : new int[][] {{4, 3, 5, 6}, {16, 64, 7, 7}, {10, 5}}) {
                    for (boolean training : new boolean[] {true, false}) {
                        String what = t + " " + java.util.Arrays.toString(s) + " training=" + training;
                        Ctx.Pair x = c.pair(c.random(t, s));
                        Ctx.Pair mean = c.pair(c.random(t, s[1]).mul(0.1));
                        Ctx.Pair inv = c.pair(c.uniform(t, 0.5, 2, s[1]));
                        Ctx.Pair wt = c.pair(c.random(t, s[1]));
                        Ctx.Pair b = c.pair(c.random(t, s[1]));
                        Ctx.Pair y = c.zeros(t, s);
                        c.cpu.batchNorm(x.cpu(), mean.cpu(), inv.cpu(), wt.cpu(), b.cpu(), y.cpu());
                        c.gpu.batchNorm(x.gpu(), mean.gpu(), inv.gpu(), wt.gpu(), b.gpu(), y.gpu());
                        double tol = t == DType.F32 ? 2e-5 : 1e-11;
                        c.close("batch norm " + what, y.cpu(), y.gpu(), tol, tol);
                        Ctx.Pair gy = c.pair(c.random(t, s));
                        Ctx.Pair gx = c.zeros(t, s);
                        Ctx.Pair gw = c.zeros(t, s[1]);
                        Ctx.Pair gb = c.zeros(t, s[1]);
                        c.cpu.batchNormBackward(gy.cpu(), x.cpu(), mean.cpu(), inv.cpu(), wt.cpu(), training, gx.cpu(),
                                gw.cpu(), gb.cpu());
                        c.gpu.batchNormBackward(gy.gpu(), x.gpu(), mean.gpu(), inv.gpu(), wt.gpu(), training, gx.gpu(),
                                gw.gpu(), gb.gpu());
                        c.close("batch norm grad x " + what, gx.cpu(), gx.gpu(), tol * 10, tol * 10);
                        c.close("batch norm grad w " + what, gw.cpu(), gw.gpu(), tol * 10, tol * 10);
                        c.close("batch norm grad b " + what, gb.cpu(), gb.gpu(), tol * 10, tol * 10);
                    }
                }
            }
        }));
        return out;
    }
}
