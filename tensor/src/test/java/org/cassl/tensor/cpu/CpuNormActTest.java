package org.cassl.tensor.cpu;

import static org.cassl.tensor.testing.TensorAssert.assertEqual;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import org.cassl.tensor.Backend;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The fused norm epilogue ({@code relu?(norm(x) + residual)} in the norm's output pass) against
 * the unfused ops and against {@link Backend}'s default (what a backend without the fusion runs),
 * to the bit.
 */
class CpuNormActTest {
    /** A backend that runs {@link Backend}'s default methods and delegates the rest to {@code cpu}. */
    private static Backend withDefaults(CpuBackend cpu) {
        InvocationHandler h = (proxy, m, args) -> {
            if (m.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, m, args);
            }
            try {
                return m.invoke(cpu, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, h);
    }

    private static Tensor expected(Tensor normed, Tensor residual, boolean relu) {
        Tensor y = residual == null ? normed : normed.add(residual);
        return relu ? y.relu() : y;
    }

    @Test
    void batchAndGroupNormWithResidualAndReluEqualTheUnfusedOps() {
        Generator g = new Generator(7);
        int[][] shapes = {{2, 4, 5, 7}, {3, 8, 37, 1}, {1, 32, 6, 6}};
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            for (int[] shape : shapes) {
                int c = shape[1];
                Tensor x = Tensor.normal(g, 0.3, 2, dt, shape);
                Tensor mean = Tensor.normal(g, 0.3, 0.1, dt, c);
                Tensor inv = Tensor.uniform(g, 0.3, 1.5, dt, c);
                Tensor w = Tensor.normal(g, 1, 0.5, dt, c);
                Tensor b = Tensor.normal(g, 0, 1, dt, c);
                // the residual is a view with an offset: the second half of a larger tensor
                int[] twice = shape.clone();
                twice[0] *= 2;
                Tensor residual = Tensor.normal(g, 0, 1, dt, twice).slice(0, shape[0], twice[0], 1);
                for (CpuBackend cpu : new CpuBackend[] {new CpuBackend(3, true), new CpuBackend(1, false)}) {
                    try (cpu) {
                        Backend dflt = withDefaults(cpu);
                        Tensor bn = Tensor.zeros(dt, shape);
                        cpu.batchNorm(x, mean, inv, w, b, bn);
                        Tensor gn = Tensor.zeros(dt, shape);
                        Tensor gnMean = Tensor.zeros(dt, shape[0], c / 4);
                        Tensor gnRstd = Tensor.zeros(dt, shape[0], c / 4);
                        cpu.groupNorm(x, w, b, c / 4, 1e-5, gn, gnMean, gnRstd);
                        for (Tensor res : new Tensor[] {null, residual}) {
                            for (boolean relu : new boolean[] {false, true}) {
                                String at = dt + " " + Arrays.toString(shape) + (res == null ? "" : " +residual")
                                        + (relu ? " relu" : "") + " threads " + cpu.threads();
                                for (Backend be : new Backend[] {cpu, dflt}) {
                                    Tensor out = Tensor.zeros(dt, shape);
                                    be.batchNormAct(x, mean, inv, w, b, res, relu, out);
                                    assertEqual(expected(bn, res, relu), out, "batch norm " + at);
                                    Tensor gout = Tensor.zeros(dt, shape);
                                    Tensor m2 = Tensor.zeros(dt, shape[0], c / 4);
                                    Tensor r2 = Tensor.zeros(dt, shape[0], c / 4);
                                    be.groupNormAct(x, w, b, c / 4, 1e-5, res, relu, gout, m2, r2);
                                    assertEqual(expected(gn, res, relu), gout, "group norm " + at);
                                    assertEqual(gnMean, m2, "group norm mean " + at);
                                    assertEqual(gnRstd, r2, "group norm rstd " + at);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void reluKeepsNaNAndZeroesNegativeZero() {
        // 40 values: NaN, -0 and a negative both in the vector part and in the scalar tail
        float[] v = new float[40];
        for (int i = 0; i < v.length; i++) {
            v[i] = i - 20;
        }
        v[3] = Float.NaN;
        v[4] = -0f;
        v[37] = Float.NaN;
        v[38] = -0f;
        Tensor x = Tensor.of(v, 1, 1, 40, 1);
        Tensor one = Tensor.of(new float[] {1f}, 1);
        Tensor zero = Tensor.of(new float[] {0f}, 1);
        try (CpuBackend cpu = new CpuBackend(1, true)) {
            Tensor out = Tensor.zeros(1, 1, 40, 1);
            cpu.batchNormAct(x, zero, one, null, null, null, true, out);
            assertEqual(x.relu(), out, "relu");
        }
    }
}
