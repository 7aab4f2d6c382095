package org.cassl.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.cassl.tensor.Conv2dFusion;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The inference convolution with its epilogue (scale folded into the packed weights; bias,
 * residual and ReLU per output band) against the composition of primitives, float64 direct loops.
 */
class CpuConvFusedTest {
    private static Parallel par2;
    private static CpuConv fast;
    private static CpuConv banded;
    private static CpuConv scalar;

    @BeforeAll
    static void setUp() {
        par2 = new Parallel(2);
        fast = new CpuConv(par2, new CpuGemm(par2, true));
        banded = new CpuConv(par2, new CpuGemm(par2, true), 2048, 0);
        scalar = new CpuConv(CpuGemm.SERIAL, new CpuGemm(CpuGemm.SERIAL, false));
    }

    @AfterAll
    static void tearDown() {
        par2.close();
    }

    /** n, c, h, w, k, kh, kw, stride, pad, groups. */
    private static final int[][] CASES = {
        {2, 3, 9, 11, 4, 3, 3, 1, 1, 1},
        {1, 4, 8, 8, 6, 1, 1, 1, 0, 1},       // pointwise
        {3, 4, 9, 7, 6, 1, 1, 2, 0, 2},       // strided 1x1 with groups
        {1, 8, 7, 7, 8, 3, 3, 1, 1, 8},       // depthwise
        {2, 16, 12, 12, 20, 3, 3, 1, 1, 1},   // packed GEMM, a partial row panel
        {1, 3, 23, 21, 16, 7, 7, 2, 3, 1},    // a ResNet stem
    };

    @Test
    void everyEpilogueMatchesTheComposedReference() {
        Generator gen = new Generator(21);
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            for (int[] c : CASES) {
                Conv2dParams p = Conv2dParams.of(c[7], c[8], 1, c[9]);
                Tensor x = Tensor.normal(gen, 0, 1, dt, c[0], c[1], c[2], c[3]);
                Tensor w = Tensor.normal(gen, 0, 1, dt, c[4], c[1] / c[9], c[5], c[6]);
                Tensor scale = Tensor.uniform(gen, 0.2, 2.0, dt, c[4]);
                Tensor bias = Tensor.normal(gen, 0, 1, dt, c[4]);
                int[] os = {c[0], c[4], p.outH(c[2], c[5]), p.outW(c[3], c[6])};
                Tensor res = Tensor.normal(gen, 0, 2, dt, os);
                for (int mask = 0; mask < 16; mask++) {
                    Conv2dFusion f = new Conv2dFusion((mask & 1) != 0 ? scale : null, (mask & 2) != 0 ? bias : null,
                            (mask & 4) != 0 ? res : null, (mask & 8) != 0);
                    check(x, w, f, p, dt + " " + java.util.Arrays.toString(c) + " parts " + mask);
                }
            }
        }
    }

    @Test
    void stridedResidualAndOffsetOperands() {
        Generator gen = new Generator(22);
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        Tensor x = Tensor.randn(gen, 2, 7, 6, 5).permute(0, 3, 1, 2);
        Tensor w = Tensor.randn(gen, 9, 5, 3, 3).narrow(0, 1, 8);
        Tensor scale = Tensor.randn(gen, 16).slice(0, 0, 16, 2);
        Tensor bias = Tensor.randn(gen, 10).narrow(0, 2, 8);
        Tensor res = Tensor.randn(gen, 2, 8, 6, 7).transpose(2, 3);
        check(x, w, new Conv2dFusion(scale, bias, res, true), p, "views");
    }

    private static void check(Tensor x, Tensor w, Conv2dFusion f, Conv2dParams p, String what) {
        double tol = x.dtype() == DType.F32 ? 1e-4 : 1e-10;
        Tensor wf = f.weightScale() == null ? w : w.mul(f.weightScale().reshape(w.size(0), 1, 1, 1));
        Tensor expected = NaiveConv.forward(x.to(DType.F64), wf.to(DType.F64),
                f.bias() == null ? null : f.bias().to(DType.F64), p);
        if (f.residual() != null) {
            expected = expected.add(f.residual().to(DType.F64));
        }
        if (f.relu()) {
            expected = expected.relu();
        }
        for (CpuConv conv : new CpuConv[] {fast, banded, scalar}) {
            Tensor out = Tensor.zeros(x.dtype(), expected.shape());
            conv.forwardFused(x, w, f, p, out);
            TensorAssert.assertClose(expected, out.to(DType.F64), tol, tol,
                    what + (conv == fast ? " fast" : conv == banded ? " banded" : " scalar"));
        }
    }

    @Test
    void backendDefaultAndCpuAgree() {
        Generator gen = new Generator(23);
        Tensor x = Tensor.randn(gen, 1, 16, 10, 10);
        Tensor w = Tensor.randn(gen, 32, 16, 3, 3);
        Conv2dFusion f = new Conv2dFusion(Tensor.uniform(gen, 0.5, 1.5, DType.F32, 32), Tensor.randn(gen, 32),
                Tensor.randn(gen, 1, 32, 10, 10), true);
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        Tensor fused = NnOps.conv2dFused(x, w, f, p);
        Tensor composed = Tensor.zeros(1, 32, 10, 10);
        // Backend.conv2dFused's default: fold, convolve, add, ReLU as separate primitives
        f.compose(x.backend(), x, w, p, composed);
        TensorAssert.assertClose(composed.to(DType.F64), fused.to(DType.F64), 1e-5, 1e-5, "default vs cpu");
    }

    @Test
    void operandsOfTheWrongShapeAreRejected() {
        Tensor x = Tensor.zeros(1, 4, 6, 6);
        Tensor w = Tensor.zeros(8, 4, 3, 3);
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> NnOps.conv2dFused(x, w, new Conv2dFusion(Tensor.ones(4), null, null, false), p));
        assertEquals("conv2d_fused: weight scale of shape [4] does not match 8 output channels", e.getMessage());
        e = assertThrows(ShapeMismatchException.class,
                () -> NnOps.conv2dFused(x, w, new Conv2dFusion(null, null, Tensor.zeros(1, 8, 5, 6), true), p));
        assertEquals("conv2d_fused: residual of shape [1, 8, 5, 6] does not match the output [1, 8, 6, 6]",
                e.getMessage());
    }
}
