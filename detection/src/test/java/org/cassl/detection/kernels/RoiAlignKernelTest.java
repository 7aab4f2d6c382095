package org.cassl.detection.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.cpu.Parallel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The RoIAlign kernel's sampling tables, fast paths and channel-block backward give the same bits
 * as the straight reference ({@link RoiAlignReference}), on 1 and 3 threads, in float32 and
 * float64, with RoIs reaching outside the map, every sampling-count kind (1, 4: powers of two; 9
 * and adaptive) and non-finite inputs.
 */
class RoiAlignKernelTest {
    private static final Parallel ONE = new Parallel(1);
    private static final Parallel THREE = new Parallel(3);

    @AfterAll
    static void close() {
        ONE.close();
        THREE.close();
    }

    private static Tensor rois(Generator g, int n, int batches, double extent) {
        double[] v = new double[n * 5];
        for (int i = 0; i < n; i++) {
            double x1 = g.nextDouble() * extent * 1.6 - extent * 0.3;
            double y1 = g.nextDouble() * extent * 1.6 - extent * 0.3;
            v[i * 5] = g.nextInt(batches);
            v[i * 5 + 1] = x1;
            v[i * 5 + 2] = y1;
            v[i * 5 + 3] = x1 + g.nextDouble() * extent * 0.9 - (i % 7 == 0 ? extent * 0.1 : 0);
            v[i * 5 + 4] = y1 + g.nextDouble() * extent * 0.9;
        }
        return Tensor.of(v, n, 5);
    }

    /** Equal bits element by element (NaN payloads aside; -0.0 differs from 0.0). */
    private static void assertSameBits(Tensor expected, Tensor actual, String what) {
        double[] e = expected.to(DType.F64).contiguous().toDoubleArray();
        double[] a = actual.to(DType.F64).contiguous().toDoubleArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            if (Double.doubleToLongBits(e[i]) != Double.doubleToLongBits(a[i])) {
                throw new AssertionError(what + ": element " + i + " is " + a[i] + ", expected " + e[i]);
            }
        }
    }

    private static Tensor withNonFinite(Tensor x, int trial) {
        if (trial % 3 != 2) {
            return x;
        }
        double[] v = x.to(DType.F64).toDoubleArray();
        int plane = x.size(2) * x.size(3);
        v[0] = Double.POSITIVE_INFINITY;                // the first element of a plane: out-of-map samples read it
        v[plane + plane / 2] = Double.NaN;
        return Tensor.of(v, x.shape()).to(x.dtype());
    }

    @Test
    void forwardAndBackwardEqualTheReferenceBitForBit() {
        Generator g = new Generator(7);
        int[] ratios = {0, 1, 2, 3};
        int checked = 0;
        for (int trial = 0; trial < 24; trial++) {
            DType dt = trial % 2 == 0 ? DType.F32 : DType.F64;
            boolean aligned = trial % 4 < 2;
            int ratio = ratios[(trial / 2) % ratios.length];
            int ph = trial % 5 == 0 ? 7 : 3;
            int pw = trial % 5 == 0 ? 7 : 2;
            int n = 2;
            int c = 5;
            int h = 9 + trial % 4;
            int w = 11;
            double scale = trial % 3 == 0 ? 1.0 : 0.5;
            Tensor x = withNonFinite(Tensor.normal(g, 0, 1, dt, n, c, h, w), trial);
            Tensor r = rois(g, 13, n, w / scale).to(dt);
            Tensor expected = Tensor.zeros(dt, 13, c, ph, pw);
            RoiAlignReference.forward(ONE, x, r, scale, ratio, aligned, expected);
            for (Parallel par : new Parallel[] {ONE, THREE}) {
                Tensor out = Tensor.zeros(dt, 13, c, ph, pw);
                RoiAlignKernel.forward(par, x, r, scale, ratio, aligned, out);
                assertSameBits(expected, out, "forward trial " + trial + " on " + par.threads() + " thread(s)");
            }
            Tensor up = Tensor.normal(g, 0, 1, dt, 13, c, ph, pw);
            Tensor gExpected = Tensor.zeros(dt, n, c, h, w);
            RoiAlignReference.backward(ONE, up, r, scale, ratio, aligned, gExpected);
            for (Parallel par : new Parallel[] {ONE, THREE}) {
                Tensor gin = Tensor.zeros(dt, n, c, h, w);
                RoiAlignKernel.backward(par, up, r, scale, ratio, aligned, gin);
                assertSameBits(gExpected, gin, "backward trial " + trial + " on " + par.threads() + " thread(s)");
            }
            checked++;
        }
        assertEquals(24, checked);
    }

    @Test
    void edgeBinsSeeTheNonFiniteFirstElementAsTorchvisionDoes() {
        // one RoI half outside the map: its outside samples put 0 * x[0] into their bins, so an
        // infinite x[0] makes those bins NaN while bins fully inside stay finite
        float[] v = new float[36];
        java.util.Arrays.fill(v, 1f);
        v[0] = Float.POSITIVE_INFINITY;
        Tensor x = Tensor.of(v, 1, 1, 6, 6);
        Tensor out = Tensor.zeros(DType.F32, 1, 1, 2, 2);
        RoiAlignKernel.forward(ONE, x, Tensor.of(new float[] {0, 2, 2, 12, 12}, 1, 5), 1.0, 2, false, out);
        float[] o = out.toFloatArray();
        assertFalse(Float.isNaN(o[0]), "bin inside the map");
        assertTrue(Float.isNaN(o[3]), "bin reaching outside the map");
    }

    @Test
    void powerOfTwoCountsAreRecognised() {
        for (float v : new float[] {1, 2, 4, 16, 1024}) {
            assertTrue(RoiAlignKernel.powerOfTwo(v), Float.toString(v));
        }
        for (float v : new float[] {3, 6, 9, 0, -4, Float.NaN, Float.POSITIVE_INFINITY, 0.75f}) {
            assertFalse(RoiAlignKernel.powerOfTwo(v), Float.toString(v));
        }
    }
}
