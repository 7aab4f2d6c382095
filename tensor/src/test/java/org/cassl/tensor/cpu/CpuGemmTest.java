package org.cassl.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.IndexOutOfRangeException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packed GEMM against the scalar triple loop and an independent float64 reference. */
class CpuGemmTest {
    private static CpuBackend fast;
    private static CpuBackend scalar;

    @BeforeAll
    static void setUp() {
        fast = new CpuBackend(2, true);
        scalar = new CpuBackend(1, false);
    }

    @AfterAll
    static void tearDown() {
        fast.close();
        scalar.close();
    }

    /** out = a x b in float64 from the elements of the (possibly strided) views. */
    private static Tensor naive(Tensor a, Tensor b) {
        int batch = a.size(0);
        int m = a.size(1);
        int k = a.size(2);
        int n = b.size(2);
        double[] av = a.toDoubleArray();
        double[] bv = b.toDoubleArray();
        double[] r = new double[batch * m * n];
        for (int q = 0; q < batch; q++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += av[(q * m + i) * k + p] * bv[(q * k + p) * n + j];
                    }
                    r[(q * m + i) * n + j] = s;
                }
            }
        }
        return Tensor.of(r, batch, m, n);
    }

    private static Tensor run(CpuBackend be, Tensor a, Tensor b) {
        Tensor out = Tensor.zeros(a.dtype(), a.size(0), a.size(1), b.size(2));
        be.matmul(a, b, out);
        return out;
    }

    private static void check(Tensor a, Tensor b, String what) {
        Tensor expected = naive(a, b);
        double tol = a.dtype() == DType.F32 ? 2e-4 * Math.sqrt(Math.max(1, a.size(2))) : 1e-11;
        Tensor got = run(fast, a, b);
        TensorAssert.assertClose(expected, got.to(DType.F64), tol, tol, what + " fast");
        TensorAssert.assertClose(expected, run(scalar, a, b).to(DType.F64), tol, tol, what + " scalar");
    }

    @Test
    void manyShapesBothDtypes() {
        Generator g = new Generator(1);
        int[][] shapes = {
            {1, 1, 1}, {1, 7, 1}, {3, 1, 5}, {7, 13, 5}, {8, 32, 16}, {9, 33, 17}, {17, 65, 31}, {31, 47, 259},
            {50, 100, 70}, {200, 40, 300}, {5, 600, 3}, {64, 96, 513}, {1, 300, 200}, {300, 1, 200},
        };
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            for (int[] s : shapes) {
                Tensor a = Tensor.normal(g, 0, 1, dt, 1, s[0], s[2]);
                Tensor b = Tensor.normal(g, 0, 1, dt, 1, s[2], s[1]);
                check(a, b, dt + " m=" + s[0] + " n=" + s[1] + " k=" + s[2]);
            }
        }
    }

    @Test
    void severalBlocksInEveryDimension() {
        // crosses MC (rows), NC (columns) and KC (depth) block boundaries with ragged remainders
        Generator g = new Generator(2);
        Tensor a = Tensor.normal(g, 0, 1, DType.F32, 1, Sgemm.MC + 37, 2 * Sgemm.KC + 11);
        Tensor b = Tensor.normal(g, 0, 1, DType.F32, 1, 2 * Sgemm.KC + 11, 45);
        check(a, b, "blocks M,K");
        Tensor a2 = Tensor.normal(g, 0, 1, DType.F64, 1, 9, Dgemm.KC + 11);
        Tensor b2 = Tensor.normal(g, 0, 1, DType.F64, 1, Dgemm.KC + 11, Dgemm.NC + 21);
        check(a2, b2, "blocks N,K f64");
    }

    @Test
    void zeroDepthGivesZerosAndEmptyShapesWork() {
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            Tensor a = Tensor.zeros(dt, 2, 40, 0);
            Tensor b = Tensor.zeros(dt, 2, 0, 50);
            Tensor out = Tensor.full(7, dt, 2, 40, 50);
            fast.matmul(a, b, out);
            assertEquals(0.0, out.abs().max().item());
            Tensor empty = Tensor.zeros(dt, 2, 0, 50);
            fast.matmul(Tensor.zeros(dt, 2, 0, 3), Tensor.zeros(dt, 2, 3, 50), empty);
            assertArrayEquals(new int[] {2, 0, 50}, empty.shape());
        }
    }

    @Test
    void transposedStridedAndBroadcastViews() {
        Generator g = new Generator(3);
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            // a^T and b^T views: column-major operands
            Tensor at = Tensor.normal(g, 0, 1, dt, 3, 70, 45).transpose(1, 2);
            Tensor bt = Tensor.normal(g, 0, 1, dt, 3, 53, 70).transpose(1, 2);
            assertTrue(!at.isContiguous() && !bt.isContiguous());
            check(at, bt, dt + " transposed");
            // every other row and column
            Tensor as = Tensor.normal(g, 0, 1, dt, 2, 90, 120).slice(1, 0, 90, 2).slice(2, 1, 120, 2);
            Tensor bs = Tensor.normal(g, 0, 1, dt, 2, 120, 80).slice(1, 0, 120, 2).slice(2, 3, 80, 3);
            check(as, bs, dt + " sliced");
            // one matrix broadcast over the batch (stride 0) and a row broadcast inside it
            Tensor ab = Tensor.normal(g, 0, 1, dt, 1, 33, 40).expand(4, 33, 40);
            Tensor bb = Tensor.normal(g, 0, 1, dt, 4, 1, 37).expand(4, 40, 37);
            check(ab, bb, dt + " broadcast");
        }
    }

    @Test
    void batchesSplitAcrossThreads() {
        Generator g = new Generator(4);
        for (int batch : new int[] {2, 3, 9}) {
            Tensor a = Tensor.randn(g, batch, 41, 67);
            Tensor b = Tensor.randn(g, batch, 67, 39);
            check(a, b, "batch " + batch);
        }
    }

    @Test
    void sgemmAlphaBetaTransposesOffsetsAndLeadingDims() {
        Generator g = new Generator(5);
        int m = 37;
        int n = 70;
        int k = 300;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (float beta : new float[] {0f, 1f, -0.5f}) {
                    int lda = (ta ? m : k) + 3;
                    int ldb = (tb ? k : n) + 5;
                    int ldc = n + 2;
                    float[] a = rand(g, 4 + (ta ? k : m) * lda);
                    float[] b = rand(g, 6 + (tb ? n : k) * ldb);
                    float[] c0 = rand(g, 1 + m * ldc);
                    if (beta == 0) {
                        java.util.Arrays.fill(c0, Float.NaN); // must be ignored, not multiplied
                    }
                    float[] c = c0.clone();
                    fast.gemm().sgemm(ta, tb, m, n, k, 1.5f, a, 4, lda, b, 6, ldb, beta, c, 1, ldc);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = 0;
                            for (int p = 0; p < k; p++) {
                                double av = ta ? a[4 + p * lda + i] : a[4 + i * lda + p];
                                double bv = tb ? b[6 + j * ldb + p] : b[6 + p * ldb + j];
                                s += av * bv;
                            }
                            double want = 1.5 * s + (beta == 0 ? 0 : beta * c0[1 + i * ldc + j]);
                            float got = c[1 + i * ldc + j];
                            assertEquals(want, got, 1e-3 * (1 + Math.abs(want)),
                                    "ta=" + ta + " tb=" + tb + " beta=" + beta + " at " + i + "," + j);
                        }
                    }
                    // padding between rows of C and the element before it are untouched
                    assertEquals(c0[0], c[0]);
                    assertEquals(Float.floatToIntBits(c0[1 + n]), Float.floatToIntBits(c[1 + n]));
                }
            }
        }
    }

    @Test
    void dgemmMatchesSgemmSemantics() {
        Generator g = new Generator(6);
        int m = 20;
        int n = 50;
        int k = 90;
        double[] a = new double[k * m];
        double[] b = new double[n * k];
        double[] c = new double[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = g.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = g.nextGaussian();
        }
        java.util.Arrays.fill(c, 2.0);
        fast.gemm().dgemm(true, true, m, n, k, -1.0, a, 0, m, b, 0, k, 0.5, c, 0, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[p * m + i] * b[j * k + p];
                }
                assertEquals(-s + 1.0, c[i * n + j], 1e-10);
            }
        }
    }

    @Test
    void badArgumentsAreRejectedWithClearErrors() {
        float[] a = new float[12];
        float[] c = new float[12];
        CpuGemm gm = fast.gemm();
        TensorException e = assertThrows(IndexOutOfRangeException.class,
                () -> gm.sgemm(false, false, 4, 3, 4, 1f, a, 0, 4, a, 0, 3, 0f, c, 0, 3));
        assertTrue(e.getMessage().contains("sgemm") && e.getMessage().contains("A"), e.getMessage());
        TensorException ld = assertThrows(TensorException.class,
                () -> gm.sgemm(false, false, 3, 3, 4, 1f, a, 0, 2, a, 0, 3, 0f, c, 0, 3));
        assertTrue(ld.getMessage().contains("leading dimension"), ld.getMessage());
        assertThrows(TensorException.class, () -> gm.sgemm(false, false, -1, 3, 4, 1f, a, 0, 4, a, 0, 3, 0f, c, 0, 3));
        // k == 0 with beta scales C only
        float[] c2 = {1, 2, 3};
        gm.sgemm(false, false, 1, 3, 0, 1f, null, 0, 1, null, 0, 3, 2f, c2, 0, 3);
        assertArrayEquals(new float[] {2, 4, 6}, c2);
    }

    private static float[] rand(Generator g, int n) {
        float[] r = new float[n];
        for (int i = 0; i < n; i++) {
            r[i] = (float) g.nextGaussian();
        }
        return r;
    }
}
