package org.cassl.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cassl.tensor.AdamWStep;
import org.cassl.tensor.Generator;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.SgdStep;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The one-pass AdamW, SGD and EMA updates against the composed tensor ops it replaces, bit for bit. */
class CpuOptimizerTest {
    /** Backend.adamwUpdate's default, spelled out: the oracle. */
    private static void composed(Tensor p, Tensor g, Tensor m, Tensor v, AdamWStep s) {
        p.mulInPlace(s.decayScale());
        m.mulInPlace(s.beta1()).addInPlace(g, 1 - s.beta1());
        v.mulInPlace(s.beta2()).addInPlace(g.mul(g), 1 - s.beta2());
        Tensor denom = v.sqrt().div(s.bc2Sqrt()).add(s.eps());
        p.addInPlace(m.div(denom), s.stepScale());
    }

    /** Step t of AdamW with lr 1e-3, weight decay 0.05, PyTorch's betas and eps. */
    private static AdamWStep step(long t) {
        double lr = 1e-3 * (1 + t % 3);
        return new AdamWStep(1 - lr * 0.05, 0.9, 0.999, Math.sqrt(1 - Math.pow(0.999, t)), 1e-8,
                -lr / (1 - Math.pow(0.9, t)));
    }

    @Test
    void onePassEqualsTheComposedOpsOverManyStepsLengthsAndPaths() {
        Generator gen = new Generator(11);
        // lengths around the vector width and above the parallel grain (3 threads split them)
        for (int n : new int[] {1, 15, 16, 17, 100, (1 << 17) + 13}) {
            Tensor p0 = Tensor.randn(gen, n);
            for (CpuBackend be : new CpuBackend[] {new CpuBackend(3, true), new CpuBackend(1, false)}) {
                try (be) {
                    Tensor pe = p0.copy();
                    Tensor me = Tensor.zeros(n);
                    Tensor ve = Tensor.zeros(n);
                    Tensor pf = p0.copy();
                    Tensor mf = Tensor.zeros(n);
                    Tensor vf = Tensor.zeros(n);
                    for (long t = 1; t <= 4; t++) {
                        Tensor g = Tensor.randn(gen, n).mul(t == 3 ? 1e-6 : 1.0);
                        if (t == 2) {
                            g = g.mul(0); // a zero gradient: the second moment decays toward 0
                        }
                        composed(pe, g, me, ve, step(t));
                        assertTrue(CpuOptimizer.handles(pf, g, mf, vf));
                        be.adamwUpdate(pf, g, mf, vf, step(t));
                        assertArrayEquals(pe.toFloatArray(), pf.toFloatArray(), "param n=" + n + " t=" + t);
                        assertArrayEquals(me.toFloatArray(), mf.toFloatArray(), "exp_avg n=" + n + " t=" + t);
                        assertArrayEquals(ve.toFloatArray(), vf.toFloatArray(), "exp_avg_sq n=" + n + " t=" + t);
                    }
                }
            }
        }
    }

    @Test
    void offsetsStridesAndDoublesTakeTheRightPath() {
        Generator gen = new Generator(12);
        Tensor[] wide = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            wide[i] = Tensor.randn(gen, 6, 40).abs();
        }
        // rows 2..5 of each: dense views with offsets, through the one-pass update
        Tensor[] dense = new Tensor[4];
        Tensor[] reference = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            dense[i] = wide[i].slice(0, 2, 6, 1);
            reference[i] = dense[i].copy();
        }
        composed(reference[0], reference[1], reference[2], reference[3], step(5));
        NnOps.adamwUpdate(dense[0], dense[1], dense[2], dense[3], step(5));
        for (int i : new int[] {0, 2, 3}) {
            assertArrayEquals(reference[i].toFloatArray(), dense[i].toFloatArray(), "operand " + i);
        }
        // every other column: strided views, through the composed default
        Tensor[] strided = new Tensor[4];
        Tensor[] stridedRef = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            strided[i] = Tensor.randn(gen, 6, 40).abs().slice(1, 0, 40, 2);
            stridedRef[i] = strided[i].copy();
        }
        assertFalse(CpuOptimizer.handles(strided));
        composed(stridedRef[0], stridedRef[1], stridedRef[2], stridedRef[3], step(2));
        NnOps.adamwUpdate(strided[0], strided[1], strided[2], strided[3], step(2));
        assertArrayEquals(stridedRef[0].toFloatArray(), strided[0].toFloatArray(), "strided param");
        // doubles: the composed default
        Tensor[] d = new Tensor[4];
        Tensor[] dRef = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            d[i] = Tensor.randn(gen, 33).abs().to(org.cassl.tensor.DType.F64);
            dRef[i] = d[i].copy();
        }
        assertFalse(CpuOptimizer.handles(d));
        composed(dRef[0], dRef[1], dRef[2], dRef[3], step(3));
        NnOps.adamwUpdate(d[0], d[1], d[2], d[3], step(3));
        assertArrayEquals(dRef[0].toDoubleArray(), d[0].toDoubleArray(), "f64 param");
    }

    @Test
    void mismatchedOperandsAreRefusedWithTheirShapes() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> NnOps.adamwUpdate(Tensor.zeros(4), Tensor.zeros(5), Tensor.zeros(4), Tensor.zeros(4), step(1)));
        assertTrue(e.getMessage().contains("adamw_update") && e.getMessage().contains("[5]"), e.getMessage());
    }

    @Test
    void onePassEmaEqualsTheComposedOps() {
        Generator gen = new Generator(13);
        for (int n : new int[] {1, 15, 16, 17, 100, (1 << 17) + 13}) {
            Tensor a0 = Tensor.randn(gen, n);
            for (CpuBackend be : new CpuBackend[] {new CpuBackend(3, true), new CpuBackend(1, false)}) {
                try (be) {
                    Tensor composed = a0.copy();
                    Tensor fused = a0.copy();
                    // the ramp of WeightEma (2/11, 3/12, ...) then its ceiling, and a weight equal to the average
                    for (double d : new double[] {2.0 / 11, 3.0 / 12, 0.99, 0.9999}) {
                        Tensor x = Tensor.randn(gen, n).mul(d > 0.99 ? 1e-3 : 10.0);
                        composed.mulInPlace(d).addInPlace(x, 1 - d);
                        be.emaUpdate(fused, x, d);
                        assertArrayEquals(composed.toFloatArray(), fused.toFloatArray(), "n=" + n + " decay=" + d);
                    }
                }
            }
        }
        // an offset view goes through the one-pass path; a strided one and doubles through the default
        Tensor wide = Tensor.randn(gen, 6, 40);
        Tensor rows = wide.slice(0, 2, 6, 1);
        Tensor rowsRef = rows.copy();
        float[] outside = wide.slice(0, 0, 2, 1).copy().toFloatArray();
        Tensor x = Tensor.randn(gen, 4, 40);
        rowsRef.mulInPlace(0.9).addInPlace(x, 1 - 0.9);
        NnOps.emaUpdate(rows, x, 0.9);
        assertArrayEquals(rowsRef.toFloatArray(), rows.toFloatArray(), "offset view");
        assertArrayEquals(outside, wide.slice(0, 0, 2, 1).toFloatArray(), "rows outside the view are left alone");
        Tensor strided = Tensor.randn(gen, 6, 40).slice(1, 0, 40, 2);
        Tensor stridedRef = strided.copy();
        Tensor xs = Tensor.randn(gen, 6, 20);
        assertFalse(CpuOptimizer.handles(strided, xs));
        stridedRef.mulInPlace(0.5).addInPlace(xs, 0.5);
        NnOps.emaUpdate(strided, xs, 0.5);
        assertArrayEquals(stridedRef.toFloatArray(), strided.toFloatArray(), "strided");
        Tensor dbl = Tensor.randn(gen, 33).to(org.cassl.tensor.DType.F64);
        Tensor dblRef = dbl.copy();
        Tensor xd = Tensor.randn(gen, 33).to(org.cassl.tensor.DType.F64);
        dblRef.mulInPlace(0.75).addInPlace(xd, 0.25);
        NnOps.emaUpdate(dbl, xd, 0.75);
        assertArrayEquals(dblRef.toDoubleArray(), dbl.toDoubleArray(), "f64");
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> NnOps.emaUpdate(Tensor.zeros(4), Tensor.zeros(5), 0.9));
        assertTrue(e.getMessage().contains("ema_update") && e.getMessage().contains("[5]"), e.getMessage());
    }

    /** Sgd's former composed update, spelled out: the oracle. */
    private static void composedSgd(Tensor p, Tensor g, Tensor buf, SgdStep s) {
        Tensor d = s.weightDecay() != 0 ? g.add(p.mul(s.weightDecay())) : g;
        if (s.momentum() != 0) {
            if (s.first()) {
                buf.copyFrom(d.copy());
            } else {
                buf.mulInPlace(s.momentum()).addInPlace(d, 1 - s.dampening());
            }
            d = s.nesterov() ? d.add(buf.mul(s.momentum())) : buf;
        }
        p.addInPlace(d, -s.lr());
    }

    @Test
    void onePassSgdEqualsTheComposedOpsForEveryVariant() {
        Generator gen = new Generator(14);
        // {weight decay, momentum, dampening, nesterov}
        double[][] variants = {{0, 0, 0, 0}, {1e-4, 0, 0, 0}, {1e-4, 0.9, 0, 0}, {0, 0.9, 0, 0}, {5e-4, 0.9, 0.1, 0},
            {1e-4, 0.9, 0, 1}, {0.3, 0.5, 0.25, 0}};
        for (int n : new int[] {1, 15, 16, 17, 100, (1 << 17) + 13}) {
            Tensor p0 = Tensor.randn(gen, n);
            for (double[] v : variants) {
                for (CpuBackend be : new CpuBackend[] {new CpuBackend(3, true), new CpuBackend(1, false)}) {
                    try (be) {
                        Tensor pe = p0.copy();
                        Tensor be0 = Tensor.zeros(n);
                        Tensor pf = p0.copy();
                        Tensor bf = Tensor.full(Float.NaN, org.cassl.tensor.DType.F32, org.cassl.tensor.Device.CPU, n);
                        for (int t = 1; t <= 4; t++) {
                            Tensor g = Tensor.randn(gen, n).mul(t == 3 ? 1e-6 : 1.0);
                            if (t == 2) {
                                g = g.mul(0);
                            }
                            SgdStep s = new SgdStep(0.01 * t, v[0], v[1], v[2], v[3] != 0, t == 1);
                            composedSgd(pe, g, be0, s);
                            be.sgdUpdate(pf, g, v[1] != 0 ? bf : null, s);
                            String at = " n=" + n + " variant=" + java.util.Arrays.toString(v) + " t=" + t;
                            assertArrayEquals(pe.toFloatArray(), pf.toFloatArray(), "param" + at);
                            if (v[1] != 0) {
                                assertArrayEquals(be0.toFloatArray(), bf.toFloatArray(), "momentum buffer" + at);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void sgdOnViewsStridesAndDoublesAndBadOperands() {
        Generator gen = new Generator(15);
        SgdStep s = new SgdStep(0.1, 1e-4, 0.9, 0, false, false);
        // rows 2..5: dense views with offsets, through the one-pass update; rows outside untouched
        Tensor wide = Tensor.randn(gen, 6, 40);
        Tensor rows = wide.slice(0, 2, 6, 1);
        Tensor bufWide = Tensor.randn(gen, 6, 40);
        Tensor buf = bufWide.slice(0, 2, 6, 1);
        Tensor g = Tensor.randn(gen, 4, 40);
        Tensor rowsRef = rows.copy();
        Tensor bufRef = buf.copy();
        float[] outside = wide.slice(0, 0, 2, 1).copy().toFloatArray();
        composedSgd(rowsRef, g, bufRef, s);
        NnOps.sgdUpdate(rows, g, buf, s);
        assertArrayEquals(rowsRef.toFloatArray(), rows.toFloatArray(), "offset view");
        assertArrayEquals(bufRef.toFloatArray(), buf.toFloatArray(), "offset buffer");
        assertArrayEquals(outside, wide.slice(0, 0, 2, 1).toFloatArray(), "rows outside the view");
        // strided views and doubles: the composed default
        Tensor strided = Tensor.randn(gen, 6, 40).slice(1, 0, 40, 2);
        Tensor sb = Tensor.randn(gen, 6, 20);
        Tensor sg = Tensor.randn(gen, 6, 20);
        Tensor stridedRef = strided.copy();
        Tensor sbRef = sb.copy();
        assertFalse(CpuOptimizer.handles(strided, sg, sb));
        composedSgd(stridedRef, sg, sbRef, s);
        NnOps.sgdUpdate(strided, sg, sb, s);
        assertArrayEquals(stridedRef.toFloatArray(), strided.toFloatArray(), "strided");
        Tensor dbl = Tensor.randn(gen, 33).to(org.cassl.tensor.DType.F64);
        Tensor dg = Tensor.randn(gen, 33).to(org.cassl.tensor.DType.F64);
        Tensor dblRef = dbl.copy();
        composedSgd(dblRef, dg, null, new SgdStep(0.1, 1e-4, 0, 0, false, false));
        NnOps.sgdUpdate(dbl, dg, null, new SgdStep(0.1, 1e-4, 0, 0, false, false));
        assertArrayEquals(dblRef.toDoubleArray(), dbl.toDoubleArray(), "f64");
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> NnOps.sgdUpdate(Tensor.zeros(4), Tensor.zeros(4), Tensor.zeros(5), s));
        assertTrue(e.getMessage().contains("sgd_update") && e.getMessage().contains("[5]"), e.getMessage());
    }
}
