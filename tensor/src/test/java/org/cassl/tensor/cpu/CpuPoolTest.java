package org.cassl.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.IndexOutOfRangeException;
import org.cassl.tensor.Pool2dParams;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pooling against loops written from PyTorch's definitions. */
class CpuPoolTest {
    private static Parallel par;
    private static CpuPool pool;

    @BeforeAll
    static void setUp() {
        par = new Parallel(2);
        pool = new CpuPool(par);
    }

    @AfterAll
    static void tearDown() {
        par.close();
    }

    /** kernel, stride, pad, dilation, ceil(0/1), countIncludePad(0/1). */
    private static final int[][] CASES = {
        {2, 2, 0, 1, 0, 1}, {3, 2, 1, 1, 0, 1}, {3, 2, 1, 1, 1, 1}, {3, 2, 1, 1, 1, 0}, {2, 3, 1, 1, 1, 0},
        {3, 1, 1, 1, 0, 0}, {4, 3, 2, 1, 1, 1}, {3, 2, 0, 2, 1, 1}, {1, 2, 0, 1, 1, 1},
    };

    private static Pool2dParams params(int[] c) {
        return new Pool2dParams(c[0], c[0], c[1], c[1], c[2], c[2], c[3], c[3], c[4] == 1, c[5] == 1);
    }

    @Test
    void maxPoolMatchesDefinition() {
        Generator g = new Generator(21);
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            for (int[] c : CASES) {
                Pool2dParams p = params(c);
                // a permuted view, and rounded values so that ties occur
                Tensor x = Tensor.normal(g, 0, 2, dt, 2, 7, 8, 3).round().permute(0, 3, 1, 2);
                checkMax(x, p, dt + " " + java.util.Arrays.toString(c));
            }
        }
    }

    @Test
    void maxPoolPropagatesNanAndKeepsMinusInfinity() {
        float nan = Float.NaN;
        float inf = Float.NEGATIVE_INFINITY;
        Tensor x = Tensor.of(new float[] {1, nan, 3, nan, inf, inf, inf, inf}, 1, 2, 2, 2);
        Pool2dParams p = Pool2dParams.of(2, 2, 0);
        Tensor out = Tensor.zeros(1, 2, 1, 1);
        Tensor idx = Tensor.zeros(DType.I64, 1, 2, 1, 1);
        pool.maxPool(x, p, out, idx);
        assertTrue(Float.isNaN(out.toFloatArray()[0]));
        assertEquals(3, idx.toLongArray()[0], "the last NaN's position");
        assertEquals(inf, out.toFloatArray()[1]);
        assertEquals(0, idx.toLongArray()[1], "all -inf: the first tap");
        checkMax(x, p, "nan");
    }

    private static void checkMax(Tensor x, Pool2dParams p, String what) {
        int n = x.size(0);
        int c = x.size(1);
        int h = x.size(2);
        int w = x.size(3);
        int oh = p.outH(h);
        int ow = p.outW(w);
        double[] xv = x.toDoubleArray();
        double[] ev = new double[n * c * oh * ow];
        long[] ei = new long[ev.length];
        for (int pl = 0; pl < n * c; pl++) {
            for (int y = 0; y < oh; y++) {
                for (int z = 0; z < ow; z++) {
                    double best = Double.NEGATIVE_INFINITY;
                    long at = -1;
                    for (int i = 0; i < p.kernelH(); i++) {
                        int ih = y * p.strideH() - p.padH() + i * p.dilationH();
                        for (int j = 0; j < p.kernelW(); j++) {
                            int iw = z * p.strideW() - p.padW() + j * p.dilationW();
                            if (ih < 0 || ih >= h || iw < 0 || iw >= w) {
                                continue;
                            }
                            double v = xv[pl * h * w + ih * w + iw];
                            if (at < 0 || v > best || Double.isNaN(v)) {
                                best = v;
                                at = (long) ih * w + iw;
                            }
                        }
                    }
                    ev[(pl * oh + y) * ow + z] = best;
                    ei[(pl * oh + y) * ow + z] = at;
                }
            }
        }
        Tensor out = Tensor.zeros(x.dtype(), n, c, oh, ow);
        Tensor idx = Tensor.zeros(DType.I64, n, c, oh, ow);
        pool.maxPool(x, p, out, idx);
        TensorAssert.assertEqual(Tensor.of(ev, n, c, oh, ow), out.to(DType.F64), what + " values");
        assertArrayEquals(ei, idx.toLongArray(), what + " indices");
        // backward: scatter-add to the recorded positions
        Tensor gOut = Tensor.normal(new Generator(3), 0, 1, x.dtype(), n, c, oh, ow);
        double[] gv = gOut.toDoubleArray();
        double[] gi = new double[n * c * h * w];
        for (int i = 0; i < gv.length; i++) {
            gi[(i / (oh * ow)) * h * w + (int) ei[i]] += gv[i];
        }
        Tensor gIn = Tensor.zeros(x.dtype(), n, c, h, w);
        pool.maxPoolBackward(gOut, idx, gIn);
        double tol = x.dtype() == DType.F32 ? 1e-5 : 1e-12;
        TensorAssert.assertClose(Tensor.of(gi, n, c, h, w), gIn.to(DType.F64), tol, tol, what + " backward");
    }

    @Test
    void maxPoolOnWideDensePlanesMatchesDefinitionWithTiesNaNAndInfinities() {
        // rows wide enough for the vectorised interior columns (any stride, dilation, ceil mode)
        Generator g = new Generator(23);
        for (int w : new int[] {70, 37}) {
            Tensor x = Tensor.normal(g, 0, 1.5, DType.F32, 2, 3, 9, w).round();
            float[] v = x.toFloatArray();
            for (int i = 0; i < v.length; i += 13) {
                v[i] = i % 3 == 0 ? Float.NaN : i % 3 == 1 ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
            }
            Tensor dense = Tensor.of(v, 2, 3, 9, w);
            for (int[] c : CASES) {
                checkMax(dense, params(c), "width " + w + " " + java.util.Arrays.toString(c));
            }
            // a window of -inf only keeps its first tap's index
            Tensor low = Tensor.full(Float.NEGATIVE_INFINITY, DType.F32, 1, 1, 3, w);
            checkMax(low, params(CASES[1]), "all -inf width " + w);
        }
    }

    @Test
    void avgPoolMatchesPyTorchDivisorRules() {
        Generator g = new Generator(22);
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            for (int[] c : CASES) {
                if (c[3] != 1) {
                    continue;
                }
                Pool2dParams p = params(c);
                Tensor x = Tensor.normal(g, 0, 1, dt, 2, 3, 9, 7).transpose(2, 3);
                checkAvg(x, p, dt + " " + java.util.Arrays.toString(c));
            }
        }
    }

    private static void checkAvg(Tensor x, Pool2dParams p, String what) {
        int n = x.size(0);
        int c = x.size(1);
        int h = x.size(2);
        int w = x.size(3);
        int oh = p.outH(h);
        int ow = p.outW(w);
        double[] xv = x.toDoubleArray();
        Tensor gOut = Tensor.normal(new Generator(4), 0, 1, x.dtype(), n, c, oh, ow);
        double[] gv = gOut.toDoubleArray();
        double[] ev = new double[n * c * oh * ow];
        double[] gi = new double[n * c * h * w];
        for (int pl = 0; pl < n * c; pl++) {
            for (int y = 0; y < oh; y++) {
                for (int z = 0; z < ow; z++) {
                    int h0 = y * p.strideH() - p.padH();
                    int w0 = z * p.strideW() - p.padW();
                    // count_include_pad counts padding but never what lies beyond it
                    int hEnd = Math.min(h0 + p.kernelH(), h + p.padH());
                    int wEnd = Math.min(w0 + p.kernelW(), w + p.padW());
                    int inPad = (hEnd - h0) * (wEnd - w0);
                    double sum = 0;
                    int valid = 0;
                    for (int ih = Math.max(h0, 0); ih < Math.min(hEnd, h); ih++) {
                        for (int iw = Math.max(w0, 0); iw < Math.min(wEnd, w); iw++) {
                            sum += xv[pl * h * w + ih * w + iw];
                            valid++;
                        }
                    }
                    int o = (pl * oh + y) * ow + z;
                    double div = p.countIncludePad() ? inPad : valid;
                    ev[o] = valid == 0 ? 0 : sum / div;
                    for (int ih = Math.max(h0, 0); ih < Math.min(hEnd, h); ih++) {
                        for (int iw = Math.max(w0, 0); iw < Math.min(wEnd, w); iw++) {
                            gi[pl * h * w + ih * w + iw] += gv[o] / div;
                        }
                    }
                }
            }
        }
        double tol = x.dtype() == DType.F32 ? 1e-5 : 1e-12;
        Tensor out = Tensor.zeros(x.dtype(), n, c, oh, ow);
        pool.avgPool(x, p, out);
        TensorAssert.assertClose(Tensor.of(ev, n, c, oh, ow), out.to(DType.F64), tol, tol, what + " forward");
        Tensor gIn = Tensor.zeros(x.dtype(), n, c, h, w);
        pool.avgPoolBackward(gOut, p, gIn);
        TensorAssert.assertClose(Tensor.of(gi, n, c, h, w), gIn.to(DType.F64), tol, tol, what + " backward");
    }

    @Test
    void badIndicesAndDilatedAvgPoolAreRejected() {
        Tensor gOut = Tensor.ones(DType.F32, 1, 1, 1, 2);
        Tensor idx = Tensor.of(new long[] {0, 9}, 1, 1, 1, 2);
        Tensor gIn = Tensor.zeros(1, 1, 3, 3);
        IndexOutOfRangeException e = assertThrows(IndexOutOfRangeException.class,
                () -> pool.maxPoolBackward(gOut, idx, gIn));
        assertTrue(e.getMessage().contains("9"), e.getMessage());
        Pool2dParams dilated = new Pool2dParams(2, 2, 1, 1, 0, 0, 2, 2, false, true);
        assertThrows(TensorException.class, () -> pool.avgPool(Tensor.zeros(1, 1, 5, 5), dilated, Tensor.zeros(1, 1, 3, 3)));
    }
}
