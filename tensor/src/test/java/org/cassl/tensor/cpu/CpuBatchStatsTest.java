package org.cassl.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The fused batch statistics against the reductions they replace, bit for bit. */
class CpuBatchStatsTest {
    /** Backend.batchNormStats' default: the oracle. */
    private static Tensor[] reductions(Tensor x) {
        int[] dims = new int[x.dim() - 1];
        for (int i = 1; i < dims.length; i++) {
            dims[i] = i + 1;
        }
        return new Tensor[] {x.mean(dims, false), x.var(dims, 0, false)};
    }

    @Test
    void fusedStatisticsEqualTheReductionsBitForBit() {
        Generator g = new Generator(21);
        int[][] shapes = {{2, 3, 5, 7}, {4, 16, 9, 13}, {3, 5, 11}, {2, 3, 2, 3, 4}, {1, 2, 1, 1}, {2, 64, 40, 40}};
        for (int[] shape : shapes) {
            // an offset mean makes the deviations cancel: the order of every rounding shows
            Tensor x = Tensor.randn(g, shape).mul(10).add(100);
            Tensor[] expected = reductions(x);
            for (CpuBackend be : new CpuBackend[] {new CpuBackend(3, true), new CpuBackend(1, false)}) {
                try (be) {
                    Tensor mean = Tensor.zeros(shape[1]);
                    Tensor var = Tensor.zeros(shape[1]);
                    assertTrue(CpuBatchStats.handles(x, mean, var));
                    be.batchNormStats(x, mean, var);
                    String at = java.util.Arrays.toString(shape);
                    assertArrayEquals(expected[0].toFloatArray(), mean.toFloatArray(), "mean " + at);
                    assertArrayEquals(expected[1].toFloatArray(), var.toFloatArray(), "var " + at);
                }
            }
        }
    }

    @Test
    void offsetViewsAreFusedAndOtherLayoutsUseTheReductions() {
        Generator g = new Generator(22);
        // images 1..2 of a batch of 4: dense with an offset
        Tensor x = Tensor.randn(g, 4, 6, 5, 7).slice(0, 1, 3, 1);
        Tensor mean = Tensor.zeros(6);
        Tensor var = Tensor.zeros(6);
        assertTrue(CpuBatchStats.handles(x, mean, var));
        new CpuBackend(2, true).batchNormStats(x, mean, var);
        Tensor[] expected = reductions(x.copy());
        assertArrayEquals(expected[0].toFloatArray(), mean.toFloatArray());
        assertArrayEquals(expected[1].toFloatArray(), var.toFloatArray());
        // channels-last view, rank 2 and doubles: the default reductions
        Tensor nhwc = Tensor.randn(g, 2, 5, 7, 6).permute(0, 3, 1, 2);
        Tensor rank2 = Tensor.randn(g, 8, 6);
        Tensor dbl = Tensor.randn(g, 2, 6, 3, 3).to(DType.F64);
        assertFalse(CpuBatchStats.handles(nhwc, mean, var));
        assertFalse(CpuBatchStats.handles(rank2, mean, var));
        assertFalse(CpuBatchStats.handles(dbl, Tensor.zeros(DType.F64, 6), Tensor.zeros(DType.F64, 6)));
        for (Tensor t : new Tensor[] {nhwc, rank2}) {
            Tensor m = Tensor.zeros(6);
            Tensor v = Tensor.zeros(6);
            new CpuBackend(2, true).batchNormStats(t, m, v);
            Tensor[] e = reductions(t);
            assertArrayEquals(e[0].toFloatArray(), m.toFloatArray());
            assertArrayEquals(e[1].toFloatArray(), v.toFloatArray());
        }
    }

    @Test
    void trainingBatchNormUsesThem() {
        Tensor x = Tensor.randn(new Generator(23), 2, 4, 6, 6).mul(3).add(1);
        Tensor runningMean = Tensor.zeros(4);
        Tensor runningVar = Tensor.ones(4);
        NnOps.NormResult r = NnOps.batchNorm(x, runningMean, runningVar, null, null, true, 0.1, 1e-5);
        Tensor[] expected = reductions(x);
        assertArrayEquals(expected[0].toFloatArray(), r.mean().toFloatArray());
        assertArrayEquals(expected[1].add(1e-5).rsqrt().toFloatArray(), r.rstd().toFloatArray());
    }
}
