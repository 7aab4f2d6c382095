package org.cassl.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * One convolution on several inputs (an FPN head on every level): the small inputs run side by
 * side in one product; every output must equal, bit for bit, the input convolved on its own.
 */
class CpuConvSharedTest {
    /** Levels like an FPN head's at a small scale: one large (own product) and several small. */
    private static final int[][] SIZES = {{40, 40}, {20, 20}, {10, 10}, {5, 5}, {3, 3}, {2, 7}};

    private static List<Tensor> levels(Generator g, DType dt, int batch, int channels) {
        List<Tensor> xs = new ArrayList<>();
        for (int[] s : SIZES) {
            xs.add(Tensor.normal(g, 0, 1, dt, batch, channels, s[0], s[1]));
        }
        return xs;
    }

    @ParameterizedTest(name = "{0}, batch {1}, {2} threads, bias {3}")
    @CsvSource({"F32, 1, 2, true", "F32, 3, 2, true", "F32, 2, 1, false", "F32, 1, 3, false", "F64, 2, 2, true"})
    void everyLevelEqualsItsOwnConvolutionBitForBit(DType dt, int batch, int threads, boolean withBias) {
        Generator g = new Generator(7);
        int channels = 12;
        int out = 40; // not a multiple of the 8-row tile
        List<Tensor> xs = levels(g, dt, batch, channels);
        Tensor w = Tensor.normal(g, 0, 0.1, dt, out, channels, 3, 3);
        Tensor bias = withBias ? Tensor.normal(g, 0, 1, dt, out) : null;
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        try (CpuBackend be = new CpuBackend(threads)) {
            List<Tensor> shared = new ArrayList<>();
            for (Tensor x : xs) {
                shared.add(Tensor.zeros(dt, batch, out, x.size(2), x.size(3)));
            }
            be.conv2dShared(xs, w, bias, p, shared);
            for (int i = 0; i < xs.size(); i++) {
                Tensor alone = Tensor.zeros(dt, batch, out, xs.get(i).size(2), xs.get(i).size(3));
                be.conv2d(xs.get(i), w, bias, p, alone);
                assertArrayEquals(alone.toDoubleArray(), shared.get(i).toDoubleArray(), 0.0, "level " + i);
            }
        }
    }

    @Test
    void manySmallInputsSpanSeveralProducts() {
        // 40 images of 6x6 (36 columns each) exceed one product's column limit
        Generator g = new Generator(3);
        Tensor x = Tensor.normal(g, 0, 1, DType.F32, 40, 8, 6, 6);
        Tensor y = Tensor.normal(g, 0, 1, DType.F32, 1, 8, 3, 3).transpose(2, 3);
        Tensor w = Tensor.normal(g, 0, 0.1, DType.F32, 16, 8, 3, 3);
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        List<Tensor> outs = NnOps.conv2dShared(List.of(x, y), w, null, p);
        assertEquals(2, outs.size());
        assertArrayEquals(NnOps.conv2d(x, w, null, p).toDoubleArray(), outs.get(0).toDoubleArray(), 0.0);
        assertArrayEquals(NnOps.conv2d(y, w, null, p).toDoubleArray(), outs.get(1).toDoubleArray(), 0.0,
                "a strided (transposed) input");
    }

    @Test
    void badInputsAreRefused() {
        Tensor w = Tensor.zeros(DType.F32, 4, 3, 3, 3);
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        assertThrows(TensorException.class, () -> NnOps.conv2dShared(List.of(), w, null, p));
        assertThrows(TensorException.class,
                () -> NnOps.conv2dShared(List.of(Tensor.zeros(DType.F32, 1, 3, 5, 5), Tensor.zeros(DType.F64, 1, 3, 5, 5)), w,
                        null, p));
        assertThrows(TensorException.class,
                () -> NnOps.conv2dShared(List.of(Tensor.zeros(DType.F32, 1, 2, 5, 5)), w, null, p));
    }
}
