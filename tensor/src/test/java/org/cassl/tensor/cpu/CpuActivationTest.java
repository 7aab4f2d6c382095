package org.cassl.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The fused ReLU gradient against the unfused {@code where(y > 0, g, 0)} it replaces, bit for bit. */
class CpuActivationTest {
    /** The unfused formula. */
    private static Tensor unfused(Tensor y, Tensor g) {
        return Tensor.where(y.gt(0), g, Tensor.full(0, g.dtype(), g.device()));
    }

    /** y = relu(x) with exact zeros, -0.0 and NaN planted among the values. */
    private static Tensor output(Generator gen, int n) {
        float[] x = Tensor.randn(gen, n).relu().toFloatArray();
        for (int i = 0; i < n; i += 7) {
            x[i] = i % 3 == 0 ? -0.0f : i % 3 == 1 ? Float.NaN : 0f;
        }
        return Tensor.of(x, n);
    }

    @Test
    void fusedPassEqualsWhereOnEveryPathAndLength() {
        Generator gen = new Generator(5);
        // lengths around the vector width and above the parallel grain (3 threads split them)
        for (int n : new int[] {1, 15, 16, 17, 100, (1 << 16) + 13}) {
            Tensor y = output(gen, n);
            Tensor g = Tensor.randn(gen, n);
            Tensor expected = unfused(y, g);
            for (CpuBackend be : new CpuBackend[] {new CpuBackend(3, true), new CpuBackend(1, false)}) {
                try (be) {
                    Tensor out = Tensor.zeros(n);
                    be.reluBackward(y, g, out);
                    assertArrayEquals(expected.toFloatArray(), out.toFloatArray(), "n=" + n);
                }
            }
            assertArrayEquals(expected.toFloatArray(), NnOps.reluBackward(y, g).toFloatArray(), "NnOps n=" + n);
        }
    }

    @Test
    void offsetsStridesAndDoublesUseTheRightElements() {
        Generator gen = new Generator(6);
        Tensor yWide = output(gen, 6 * 40).reshape(6, 40);
        Tensor gWide = Tensor.randn(gen, 6, 40);
        // rows 2..5: dense with an offset; every other column: strided, through the generic path
        Tensor y = yWide.slice(0, 2, 6, 1);
        Tensor g = gWide.slice(0, 2, 6, 1);
        assertArrayEquals(unfused(y, g).toFloatArray(), NnOps.reluBackward(y, g).toFloatArray(), "offset");
        Tensor ys = yWide.slice(1, 0, 40, 2);
        Tensor gs = gWide.slice(1, 1, 40, 2);
        assertFalse(CpuActivation.handles(ys, gs, Tensor.zeros(6, 20)));
        assertArrayEquals(unfused(ys, gs).toFloatArray(), NnOps.reluBackward(ys, gs).toFloatArray(), "strided");
        Tensor yd = y.to(DType.F64);
        Tensor gd = g.to(DType.F64);
        assertArrayEquals(unfused(yd, gd).toDoubleArray(), NnOps.reluBackward(yd, gd).toDoubleArray(), "f64");
        assertThrows(ShapeMismatchException.class, () -> NnOps.reluBackward(y, gs));
    }
}
