package org.cassl.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.cassl.tensor.Conv2dFusion;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The F(2x2, 3x3) Winograd convolution (forward, with bias or a fused epilogue, and the input
 * gradient) against direct float64 loops, on geometries that take that path: odd and even sizes,
 * padding 0 to 2, several bands and threads.
 */
class Winograd3x3Test {
    private static Parallel par2;
    private static CpuConv conv1;
    private static CpuConv conv2;
    private static final int SAVED_BAND = Winograd3x3.bandTiles;

    @BeforeAll
    static void setUp() {
        par2 = new Parallel(2);
        conv1 = new CpuConv(CpuGemm.SERIAL, new CpuGemm(CpuGemm.SERIAL, true));
        conv2 = new CpuConv(par2, new CpuGemm(par2, true), CpuConv.COL_BUDGET_BYTES, 0);
    }

    @AfterAll
    static void tearDown() {
        par2.close();
    }

    @AfterEach
    void restore() {
        Winograd3x3.bandTiles = SAVED_BAND;
        System.clearProperty(Winograd3x3.PROPERTY);
    }

    /** n, c, h, w, k, pad. */
    private static final int[][] CASES = {
        {2, 16, 32, 32, 16, 1},   // even output
        {1, 17, 33, 35, 24, 1},   // odd output both ways, channel counts off the register tiles
        {2, 16, 34, 36, 20, 0},   // no padding: 32 x 34 output
        {1, 20, 32, 33, 16, 2},   // padding 2: 34 x 35 output
        {1, 32, 32, 33, 40, 1},
        {1, 300, 32, 32, 20, 1},  // more input channels than one packed k slice holds
    };    @Test
    void forwardAndInputGradientMatchDirectLoops() {
        assumeTrue(Sgemm.VECTOR, "the Winograd path needs 8-lane float vectors");
        Generator gen = new Generator(5);
        for (int band : new int[] {256, 8, 1}) {
            Winograd3x3.bandTiles = band;
            for (int[] c : CASES) {
                Conv2dParams p = Conv2dParams.of(1, c[5], 1, 1);
                Tensor x = Tensor.normal(gen, 0, 1, DType.F32, c[0], c[1], c[2], c[3]);
                Tensor w = Tensor.normal(gen, 0, 0.1, DType.F32, c[4], c[1], 3, 3);
                Tensor b = Tensor.normal(gen, 0, 1, DType.F32, c[4]);
                ConvGeometry g = ConvGeometry.of(x.shape(), w.shape(), p);
                assertTrue(Winograd3x3.applies(g, true), "case takes the Winograd path");
                assertTrue(Winograd3x3.appliesToInputGradient(g, true), "input gradient takes it too");
                String what = java.util.Arrays.toString(c) + " band " + band;
                Tensor expected = NaiveConv.forward(x.to(DType.F64), w.to(DType.F64), b.to(DType.F64), p);
                Tensor gOut = Tensor.normal(gen, 0, 1, DType.F32, expected.shape());
                Tensor expIn = NaiveConv.backwardInput(gOut.to(DType.F64), w.to(DType.F64), x.shape(), p);
                for (CpuConv conv : new CpuConv[] {conv1, conv2}) {
                    Tensor out = Tensor.full(Float.NaN, DType.F32, expected.shape());
                    conv.forward(x, w, b, p, out);
                    TensorAssert.assertClose(expected, out.to(DType.F64), 1e-5, 1e-5, what + " forward");
                    Tensor gi = Tensor.full(Float.NaN, DType.F32, x.shape());
                    conv.backwardInput(gOut, w, p, gi);
                    TensorAssert.assertClose(expIn, gi.to(DType.F64), 1e-5, 1e-5, what + " input gradient");
                }
            }
        }
    }

    @Test
    void fusedEpilogueScalesTheTransformedWeights() {
        assumeTrue(Sgemm.VECTOR, "the Winograd path needs 8-lane float vectors");
        Generator gen = new Generator(9);
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        Tensor x = Tensor.normal(gen, 0, 1, DType.F32, 2, 16, 32, 34);
        Tensor w = Tensor.normal(gen, 0, 0.1, DType.F32, 24, 16, 3, 3);
        Tensor scale = Tensor.uniform(gen, 0.2, 2.0, DType.F32, 24);
        Tensor bias = Tensor.normal(gen, 0, 1, DType.F32, 24);
        Tensor residual = Tensor.normal(gen, 0, 1, DType.F32, 2, 24, 32, 34);
        Tensor x64 = x.to(DType.F64);
        Tensor w64 = w.to(DType.F64).mul(scale.to(DType.F64).reshape(24, 1, 1, 1));
        Tensor expected = NaiveConv.forward(x64, w64, bias.to(DType.F64), p).add(residual.to(DType.F64)).relu();
        Tensor out = Tensor.full(Float.NaN, DType.F32, 2, 24, 32, 34);
        conv2.forwardFused(x, w, new Conv2dFusion(scale, bias, residual, true), p, out);
        TensorAssert.assertClose(expected, out.to(DType.F64), 1e-5, 1e-5, "fused Winograd");
    }

    @Test
    void agreesWithIm2colToFloatRounding() {
        assumeTrue(Sgemm.VECTOR, "the Winograd path needs 8-lane float vectors");
        Generator gen = new Generator(13);
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        Tensor x = Tensor.normal(gen, 0, 1, DType.F32, 1, 64, 32, 32);
        Tensor w = Tensor.normal(gen, 0, 0.05, DType.F32, 64, 64, 3, 3);
        Tensor wino = Tensor.zeros(DType.F32, 1, 64, 32, 32);
        conv2.forward(x, w, null, p, wino);
        System.setProperty(Winograd3x3.PROPERTY, "false");
        Tensor direct = Tensor.zeros(DType.F32, 1, 64, 32, 32);
        conv2.forward(x, w, null, p, direct);
        // outputs have a standard deviation of about 1.2; float sums of 576 terms differ by ~1e-6
        TensorAssert.assertClose(direct.to(DType.F64), wino.to(DType.F64), 2e-5, 2e-5, "Winograd vs im2col");
    }

    @Test
    void anImagesResultDoesNotDependOnItsBatchOrTheThreads() {
        assumeTrue(Sgemm.VECTOR, "the Winograd path needs 8-lane float vectors");
        Generator gen = new Generator(17);
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        Tensor x = Tensor.normal(gen, 0, 1, DType.F32, 3, 24, 32, 34);
        Tensor w = Tensor.normal(gen, 0, 0.1, DType.F32, 32, 24, 3, 3);
        Tensor all = Tensor.zeros(DType.F32, 3, 32, 32, 34);
        conv2.forward(x, w, null, p, all);
        for (int i = 0; i < 3; i++) {
            Tensor one = Tensor.zeros(DType.F32, 1, 32, 32, 34);
            conv1.forward(x.slice(0, i, i + 1).contiguous(), w, null, p, one);
            TensorAssert.assertClose(all.slice(0, i, i + 1).contiguous(), one, 0, 0, "image " + i + " alone, one thread");
        }
    }

    @Test
    void otherGeometriesStayOnIm2col() {
        assumeTrue(Sgemm.VECTOR, "the Winograd path needs 8-lane float vectors");
        Conv2dParams s1 = Conv2dParams.of(1, 1, 1, 1);
        int[] x = {1, 16, 32, 32};
        assertTrue(Winograd3x3.applies(ConvGeometry.of(x, new int[] {16, 16, 3, 3}, s1), true));
        assertFalse(Winograd3x3.applies(ConvGeometry.of(x, new int[] {16, 16, 3, 3}, s1), false), "float64");
        assertFalse(Winograd3x3.applies(ConvGeometry.of(x, new int[] {16, 16, 3, 3}, Conv2dParams.of(2, 1, 1, 1)),
                true), "stride 2");
        assertFalse(Winograd3x3.applies(ConvGeometry.of(x, new int[] {16, 16, 3, 3}, Conv2dParams.of(1, 2, 2, 1)),
                true), "dilation 2");
        assertFalse(Winograd3x3.applies(ConvGeometry.of(x, new int[] {16, 4, 3, 3}, Conv2dParams.of(1, 1, 1, 4)),
                true), "groups");
        assertFalse(Winograd3x3.applies(ConvGeometry.of(x, new int[] {16, 16, 1, 1}, s1), true), "1x1");
        assertFalse(Winograd3x3.applies(ConvGeometry.of(new int[] {1, 8, 32, 32}, new int[] {16, 8, 3, 3}, s1),
                true), "few input channels");
        assertFalse(Winograd3x3.applies(ConvGeometry.of(new int[] {16, 16, 20, 20}, new int[] {16, 16, 3, 3}, s1),
                true), "a 20x20 plane, whatever the batch");
        assertFalse(Winograd3x3.appliesToInputGradient(
                ConvGeometry.of(new int[] {1, 16, 32, 32}, new int[] {16, 16, 3, 3}, Conv2dParams.of(1, 3, 1, 1)),
                true), "padding 3: the gradient would need negative padding");
    }
}
