package org.cassl.tensor.cpu;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.cassl.tensor.testing.TensorAssert.assertEqual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.function.Function;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** GroupNorm and BatchNorm forward/backward: torch goldens, finite differences in float64, strided inputs. */
class CpuNormTest {
    private static final boolean[] ALL = {true, true, true};
    private static final CpuBackend BE = new CpuBackend(3);

    @AfterAll
    static void close() {
        BE.close();
    }

    private static Tensor opt(Golden.Case c, String key) {
        return c.has(key) ? c.get(key) : null;
    }

    @Test
    void groupNormMatchesTorch() {
        for (Golden.Case c : Golden.load("cpu_norm").cases("gn_")) {
            Tensor x = c.get("x");
            Tensor w = opt(c, "weight");
            Tensor b = opt(c, "bias");
            int groups = c.intParam("groups");
            NnOps.NormResult r = NnOps.groupNorm(x, groups, w, b, c.doubleParam("eps"));
            assertClose(c.get("out"), r.out(), 1e-5, 1e-5, c + " out");
            assertClose(c.get("mean"), r.mean(), 1e-6, 1e-6, c + " mean");
            assertClose(c.get("rstd"), r.rstd(), 1e-5, 1e-6, c + " rstd");
            Tensor[] g = NnOps.groupNormBackward(c.get("grad_out"), x, w, r, groups, new boolean[] {true, w != null, b != null});
            assertClose(c.get("grad_x"), g[0], 1e-4, 1e-5, c + " grad_x");
            if (w != null) {
                assertClose(c.get("grad_w"), g[1], 1e-4, 1e-4, c + " grad_w");
                assertClose(c.get("grad_b"), g[2], 1e-4, 1e-4, c + " grad_b");
            }
        }
    }

    @Test
    void batchNormMatchesTorchIncludingRunningStatistics() {
        for (Golden.Case c : Golden.load("cpu_norm").cases("bn_")) {
            Tensor x = c.get("x");
            Tensor w = opt(c, "weight");
            Tensor b = opt(c, "bias");
            boolean training = c.boolParam("training", false);
            Tensor rm = c.get("running_mean").copy();
            Tensor rv = c.get("running_var").copy();
            NnOps.NormResult r = NnOps.batchNorm(x, rm, rv, w, b, training, c.doubleParam("momentum"), c.doubleParam("eps"));
            assertClose(c.get("out"), r.out(), 1e-5, 1e-5, c + " out");
            assertClose(c.get("running_mean_after"), rm, 1e-6, 1e-6, c + " running mean");
            assertClose(c.get("running_var_after"), rv, 1e-6, 1e-6, c + " running var");
            Tensor[] g = NnOps.batchNormBackward(c.get("grad_out"), x, w, r, training, new boolean[] {true, w != null, w != null});
            assertClose(c.get("grad_x"), g[0], 1e-4, 1e-5, c + " grad_x");
            if (w != null) {
                assertClose(c.get("grad_w"), g[1], 1e-4, 1e-4, c + " grad_w");
                assertClose(c.get("grad_b"), g[2], 1e-4, 1e-4, c + " grad_b");
            }
        }
    }

    /** d(sum(f(t) * up))/dt by central differences at every element of t (small tensors only). */
    private static double[] numericGrad(Function<Tensor, Tensor> f, Tensor t, Tensor up) {
        double[] v = t.toDoubleArray();
        double[] grad = new double[v.length];
        double h = 1e-6;
        for (int i = 0; i < v.length; i++) {
            double[] p = v.clone();
            p[i] += h;
            double fp = f.apply(Tensor.of(p, t.shape())).mul(up).sum().item();
            p[i] -= 2 * h;
            double fm = f.apply(Tensor.of(p, t.shape())).mul(up).sum().item();
            grad[i] = (fp - fm) / (2 * h);
        }
        return grad;
    }

    @Test
    void groupNormBackwardMatchesFiniteDifferencesInFloat64() {
        Generator g = new Generator(31);
        int[] shape = {2, 4, 3, 2};
        Tensor x = Tensor.normal(g, 0.5, 2, DType.F64, shape);
        Tensor w = Tensor.normal(g, 1, 0.5, DType.F64, 4);
        Tensor b = Tensor.normal(g, 0, 1, DType.F64, 4);
        Tensor up = Tensor.normal(g, 0, 1, DType.F64, shape);
        NnOps.NormResult r = NnOps.groupNorm(x, 2, w, b, 1e-5);
        Tensor[] grads = NnOps.groupNormBackward(up, x, w, r, 2, ALL);
        assertClose(Tensor.of(numericGrad(t -> NnOps.groupNorm(t, 2, w, b, 1e-5).out(), x, up), shape), grads[0], 1e-5,
                1e-6, "grad x");
        assertClose(Tensor.of(numericGrad(t -> NnOps.groupNorm(x, 2, t, b, 1e-5).out(), w, up), 4), grads[1], 1e-5, 1e-6,
                "grad w");
        assertClose(Tensor.of(numericGrad(t -> NnOps.groupNorm(x, 2, w, t, 1e-5).out(), b, up), 4), grads[2], 1e-5, 1e-6,
                "grad b");
        // without affine parameters the input gradient is the w = 1 case
        Tensor[] plain = NnOps.groupNormBackward(up, x, null, NnOps.groupNorm(x, 2, null, null, 1e-5), 2,
                new boolean[] {true, false, false});
        assertClose(Tensor.of(numericGrad(t -> NnOps.groupNorm(t, 2, null, null, 1e-5).out(), x, up), shape), plain[0],
                1e-5, 1e-6, "grad x without affine");
        assertNull(plain[1]);
    }

    @Test
    void batchNormBackwardMatchesFiniteDifferencesInFloat64() {
        Generator g = new Generator(32);
        int[] shape = {3, 2, 2, 3};
        Tensor x = Tensor.normal(g, -1, 2, DType.F64, shape);
        Tensor w = Tensor.normal(g, 1, 0.5, DType.F64, 2);
        Tensor b = Tensor.normal(g, 0, 1, DType.F64, 2);
        Tensor up = Tensor.normal(g, 0, 1, DType.F64, shape);
        NnOps.NormResult r = NnOps.batchNorm(x, null, null, w, b, true, 0.1, 1e-5);
        Tensor[] grads = NnOps.batchNormBackward(up, x, w, r, true, ALL);
        assertClose(Tensor.of(numericGrad(t -> NnOps.batchNorm(t, null, null, w, b, true, 0.1, 1e-5).out(), x, up), shape),
                grads[0], 1e-5, 1e-6, "training grad x");
        assertClose(Tensor.of(numericGrad(t -> NnOps.batchNorm(x, null, null, t, b, true, 0.1, 1e-5).out(), w, up), 2),
                grads[1], 1e-5, 1e-6, "training grad w");
        assertClose(Tensor.of(numericGrad(t -> NnOps.batchNorm(x, null, null, w, t, true, 0.1, 1e-5).out(), b, up), 2),
                grads[2], 1e-5, 1e-6, "training grad b");

        Tensor rm = Tensor.normal(g, 0, 1, DType.F64, 2);
        Tensor rv = Tensor.uniform(g, 0.5, 2, DType.F64, 2);
        NnOps.NormResult e = NnOps.batchNorm(x, rm, rv, w, b, false, 0.1, 1e-5);
        Tensor[] eg = NnOps.batchNormBackward(up, x, w, e, false, ALL);
        assertClose(Tensor.of(numericGrad(t -> NnOps.batchNorm(t, rm, rv, w, b, false, 0.1, 1e-5).out(), x, up), shape),
                eg[0], 1e-5, 1e-6, "eval grad x");
        assertClose(Tensor.of(numericGrad(t -> NnOps.batchNorm(x, rm, rv, t, b, false, 0.1, 1e-5).out(), w, up), 2),
                eg[1], 1e-5, 1e-6, "eval grad w");
    }

    @Test
    void stridedInputsGiveTheSameResultsAsContiguousOnes() {
        Generator g = new Generator(33);
        // [N,C,H,W] viewed from channels-last storage
        Tensor x = Tensor.randn(g, 2, 5, 4, 6).permute(0, 2, 3, 1);   // storage order N,C,H,W -> view N,H,W,C
        Tensor xs = x.permute(0, 3, 1, 2);                             // back to N,C,H,W but strided
        Tensor xc = xs.contiguous();
        Tensor up = Tensor.randn(g, 2, 4, 6, 5).permute(0, 3, 1, 2);
        Tensor w = Tensor.randn(g, 10).slice(0, 0, 10, 2);
        Tensor b = Tensor.randn(g, 5);
        NnOps.NormResult a = NnOps.groupNorm(xs, 5, w, b, 1e-5);
        NnOps.NormResult c = NnOps.groupNorm(xc, 5, w.contiguous(), b, 1e-5);
        assertEqual(c.out(), a.out(), "group norm out");
        Tensor[] ga = NnOps.groupNormBackward(up, xs, w, a, 5, ALL);
        Tensor[] gc = NnOps.groupNormBackward(up.contiguous(), xc, w.contiguous(), c, 5, ALL);
        for (int i = 0; i < 3; i++) {
            assertEqual(gc[i], ga[i], "group norm grad " + i);
        }
        NnOps.NormResult ba = NnOps.batchNorm(xs, null, null, w, b, true, 0.1, 1e-5);
        NnOps.NormResult bc = NnOps.batchNorm(xc, null, null, w.contiguous(), b, true, 0.1, 1e-5);
        assertClose(bc.out(), ba.out(), 1e-6, 1e-6, "batch norm out");
        Tensor[] bga = NnOps.batchNormBackward(up, xs, w, ba, true, ALL);
        Tensor[] bgc = NnOps.batchNormBackward(up.contiguous(), xc, w.contiguous(), bc, true, ALL);
        for (int i = 0; i < 3; i++) {
            assertClose(bgc[i], bga[i], 1e-5, 1e-6, "batch norm grad " + i);
        }
    }

    @Test
    void directBackendCallsWithNullOutputsAndLargeParallelShapes() {
        Generator g = new Generator(34);
        Tensor x = Tensor.randn(g, 8, 64, 20, 20);
        Tensor w = Tensor.randn(g, 64);
        Tensor mean = Tensor.zeros(8, 32);
        Tensor rstd = Tensor.zeros(8, 32);
        Tensor out = Tensor.zeros(8, 64, 20, 20);
        BE.groupNorm(x, w, null, 32, 1e-5, out, mean, rstd);
        // each (n, group) of the output has zero mean and (biased) unit variance before the affine scale
        Tensor normed = out.div(w.reshape(1, 64, 1, 1)).reshape(8, 32, 800);
        assertClose(Tensor.zeros(8, 32), normed.mean(2, false), 0, 1e-4, "normalised mean");
        assertClose(Tensor.ones(8, 32), normed.var(new int[] {2}, 0, false), 1e-3, 1e-3, "normalised variance");
        Tensor gx = Tensor.zeros(8, 64, 20, 20);
        BE.groupNormBackward(Tensor.ones(8, 64, 20, 20), x, null, mean, rstd, 32, gx, null, null);
        // without affine weights, an upstream gradient constant over a group has no effect through
        // the normalisation
        assertClose(Tensor.zeros(8, 64, 20, 20), gx, 0, 1e-3, "grad of constant upstream");
        Tensor gb = Tensor.zeros(64);
        BE.batchNormBackward(x, x, x.mean(new int[] {0, 2, 3}, false), Tensor.ones(64), null, false, null, null, gb);
        assertClose(x.sum(new int[] {0, 2, 3}, false), gb, 1e-5, 1e-3, "grad b = sum of upstream");
        assertEquals(64, gb.size(0));
    }
}
