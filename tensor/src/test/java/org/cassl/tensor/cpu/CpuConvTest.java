package org.cassl.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** im2col/GEMM convolution against direct float64 loops, on many geometries. */
class CpuConvTest {
    private static Parallel par2;
    private static CpuConv fast;
    private static CpuConv banded;
    private static CpuConv scalar;

    @BeforeAll
    static void setUp() {
        par2 = new Parallel(2);
        fast = new CpuConv(par2, new CpuGemm(par2, true));
        // a budget of a few rows forces many output-row bands
        banded = new CpuConv(par2, new CpuGemm(par2, true), 2048);
        scalar = new CpuConv(CpuGemm.SERIAL, new CpuGemm(CpuGemm.SERIAL, false));
    }

    @AfterAll
    static void tearDown() {
        par2.close();
    }

    /** n, c, h, w, k, kh, kw, stride, pad, dilation, groups, bias(0/1). */
    private static final int[][] CASES = {
        {2, 3, 9, 11, 4, 3, 3, 1, 1, 1, 1, 1},
        {1, 4, 8, 8, 6, 1, 1, 1, 0, 1, 1, 1},     // pointwise: no im2col
        {3, 4, 9, 7, 6, 1, 1, 2, 0, 1, 2, 0},     // strided 1x1 with groups
        {2, 6, 10, 9, 4, 3, 2, 2, 1, 2, 2, 1},    // stride, dilation, groups, non-square kernel
        {1, 8, 7, 7, 8, 3, 3, 1, 1, 1, 8, 1},     // depthwise
        {2, 5, 6, 13, 7, 5, 5, 3, 2, 1, 1, 0},
        {1, 2, 3, 2, 3, 3, 3, 1, 2, 3, 1, 1},     // padding larger than the input, taps fully outside
        {2, 16, 12, 12, 20, 3, 3, 1, 1, 1, 1, 1}, // large enough for the packed GEMM path
        {4, 3, 5, 5, 2, 2, 2, 2, 0, 1, 1, 1},
    };

    private static Conv2dParams params(int[] c) {
        return new Conv2dParams(c[7], c[7] == 3 ? 2 : c[7], c[8], c[8], c[9], c[9], c[10]);
    }

    @Test
    void allPassesMatchDirectLoopsForManyGeometries() {
        Generator g = new Generator(11);
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            for (int[] c : CASES) {
                Conv2dParams p = params(c);
                Tensor x = Tensor.normal(g, 0, 1, dt, c[0], c[1], c[2], c[3]);
                Tensor w = Tensor.normal(g, 0, 1, dt, c[4], c[1] / c[10], c[5], c[6]);
                Tensor b = c[11] == 1 ? Tensor.normal(g, 0, 1, dt, c[4]) : null;
                checkAll(x, w, b, p, dt + " case " + java.util.Arrays.toString(c));
            }
        }
    }

    private static void checkAll(Tensor x, Tensor w, Tensor b, Conv2dParams p, String what) {
        double tol = x.dtype() == DType.F32 ? 1e-4 : 1e-10;
        Tensor expected = NaiveConv.forward(x, w, b, p);
        int[] os = expected.shape();
        Tensor gOut = Tensor.normal(new Generator(os[1] * 31L + os[3]), 0, 1, x.dtype(), os);
        Tensor expIn = NaiveConv.backwardInput(gOut, w, x.shape(), p);
        Tensor expW = NaiveConv.backwardWeight(gOut, x, w.shape(), p);
        for (CpuConv conv : new CpuConv[] {fast, banded, scalar}) {
            String who = what + (conv == fast ? " fast" : conv == banded ? " banded" : " scalar");
            Tensor out = Tensor.zeros(x.dtype(), os);
            conv.forward(x, w, b, p, out);
            TensorAssert.assertClose(expected, out.to(DType.F64), tol, tol, who + " forward");
            Tensor gi = Tensor.zeros(x.dtype(), x.shape());
            conv.backwardInput(gOut, w, p, gi);
            TensorAssert.assertClose(expIn, gi.to(DType.F64), tol, tol, who + " backward input");
            Tensor gw = Tensor.zeros(x.dtype(), w.shape());
            conv.backwardWeight(gOut, x, p, gw);
            TensorAssert.assertClose(expW, gw.to(DType.F64), tol * 4, tol * 4, who + " backward weight");
        }
    }

    @Test
    void stridedViewsAreReadCorrectly() {
        Generator g = new Generator(12);
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        // x as an NHWC tensor permuted to NCHW, w transposed in its spatial dims, gradOut sliced
        Tensor x = Tensor.randn(g, 2, 7, 6, 5).permute(0, 3, 1, 2);
        Tensor w = Tensor.randn(g, 4, 5, 3, 3).transpose(2, 3);
        Tensor b = Tensor.randn(g, 8).slice(0, 0, 8, 2);
        checkAll(x, w, b, p, "views");
        Tensor gOutWide = Tensor.randn(g, 2, 4, 7, 12);
        Tensor gOut = gOutWide.slice(3, 0, 12, 2);
        Tensor gi = Tensor.zeros(2, 5, 7, 6);
        fast.backwardInput(gOut, w, p, gi);
        TensorAssert.assertClose(NaiveConv.backwardInput(gOut, w, x.shape(), p), gi.to(DType.F64), 1e-4, 1e-4,
                "sliced gradOut");
    }

    @Test
    void parallelModesAgree() {
        // many small units run whole per thread; few large units run one by one with parallel insides
        Generator g = new Generator(13);
        for (int n : new int[] {1, 3, 4}) {
            Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
            Tensor x = Tensor.randn(g, n, 32, 20, 20);
            Tensor w = Tensor.randn(g, 32, 32, 3, 3);
            checkAll(x, w, null, p, "n=" + n);
        }
    }

    @Test
    void backwardPassesAreAdjointsOfForwardInFloat64() {
        Generator g = new Generator(14);
        Conv2dParams p = new Conv2dParams(2, 1, 1, 2, 1, 2, 3);
        Tensor x = Tensor.normal(g, 0, 1, DType.F64, 2, 6, 11, 10);
        Tensor w = Tensor.normal(g, 0, 1, DType.F64, 9, 2, 3, 3);
        int[] os = {2, 9, p.outH(11, 3), p.outW(10, 3)};
        Tensor gOut = Tensor.normal(g, 0, 1, DType.F64, os);
        Tensor y = Tensor.zeros(DType.F64, os);
        fast.forward(x, w, null, p, y);
        Tensor gi = Tensor.zeros(DType.F64, x.shape());
        fast.backwardInput(gOut, w, p, gi);
        Tensor gw = Tensor.zeros(DType.F64, w.shape());
        fast.backwardWeight(gOut, x, p, gw);
        double lhs = y.mul(gOut).sum().item();
        assertEquals(lhs, x.mul(gi).sum().item(), 1e-9 * Math.max(1, Math.abs(lhs)), "<conv(x,w),g> vs <x,dX>");
        assertEquals(lhs, w.mul(gw).sum().item(), 1e-9 * Math.max(1, Math.abs(lhs)), "<conv(x,w),g> vs <w,dW>");
    }

    @Test
    void backendEntryPointsUseTheseKernels() {
        Generator g = new Generator(15);
        try (CpuBackend be = new CpuBackend(2)) {
            Conv2dParams p = Conv2dParams.of(2, 1, 1, 1);
            Tensor x = Tensor.randn(g, 1, 3, 9, 9);
            Tensor w = Tensor.randn(g, 5, 3, 3, 3);
            Tensor out = Tensor.zeros(1, 5, 5, 5);
            be.conv2d(x, w, null, p, out);
            TensorAssert.assertClose(NaiveConv.forward(x, w, null, p), out.to(DType.F64), 1e-4, 1e-4, "backend conv2d");
        }
    }
}
