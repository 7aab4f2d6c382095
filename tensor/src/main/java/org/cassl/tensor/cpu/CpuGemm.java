package org.cassl.tensor.cpu;

import org.cassl.tensor.DType;
import org.cassl.tensor.IndexOutOfRangeException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * Batched float32/float64 matrix multiplication, plus BLAS-style entry points on raw row-major
 * arrays ({@link #sgemm}, {@link #dgemm}) for convolution and fused kernels.
 *
 * <p>The fast path is the packed, cache-blocked GEMM of {@link Sgemm} (float32, the hot path) and
 * the simpler blocked loop of {@link Dgemm} (float64). With
 * {@code vectorized == false} (or on hardware without useful vectors) every product takes the
 * plain triple loop of {@link #referenceF32}/{@link #referenceF64}, the reference in tests.
 */
public final class CpuGemm {
    /** Products smaller than this many multiply-adds skip packing. */
    private static final long TINY_FMAS = 2048;
    /** Runs everything on the calling thread: for products made inside another parallel loop. */
    static final Parallel SERIAL = new Parallel(1);

    private final Parallel par;
    private final boolean vectorized;

    CpuGemm(Parallel par, boolean vectorized) {
        this.par = par;
        this.vectorized = vectorized;
    }

    /** Whether the vector code paths are on (the scalar reference otherwise). */
    boolean vectorized() {
        return vectorized;
    }

    /** {@code out [B,M,N] = a [B,M,K] x b [B,K,N]}; a and b may be any strided views, out is contiguous. */
    void matmul(Tensor a, Tensor b, Tensor out) {
        int batch = out.size(0);
        int m = out.size(1);
        int n = out.size(2);
        int k = a.size(2);
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        int[] sa = a.strides();
        int[] sb = b.strides();
        long fmas = (long) m * n * k;
        // whole products per thread when there are enough of them; otherwise each product uses all threads
        boolean outer = batch > 1 && (batch % par.threads() == 0 || batch >= 4 * par.threads() || fmas < (1L << 20));
        Parallel inner = outer ? SERIAL : par;
        Parallel.RangeBody body = (s, e) -> {
            for (int i = s; i < e; i++) {
                int ao = a.offset() + i * sa[0];
                int bo = b.offset() + i * sb[0];
                int co = out.offset() + i * m * n;
                if (a.dtype() == DType.F32) {
                    gemmF32(inner, m, n, k, 1f, f32(a), ao, sa[1], sa[2], f32(b), bo, sb[1], sb[2], 0f, f32(out), co, n);
                } else {
                    gemmF64(inner, m, n, k, 1.0, f64(a), ao, sa[1], sa[2], f64(b), bo, sb[1], sb[2], 0.0, f64(out), co, n);
                }
            }
        };
        if (outer) {
            par.forRange(batch, 1, body);
        } else {
            body.run(0, batch);
        }
    }

    private static float[] f32(Tensor t) {
        return ((CpuStorage) t.storage()).f32();
    }

    private static double[] f64(Tensor t) {
        return ((CpuStorage) t.storage()).f64();
    }

    /**
     * Row-major BLAS {@code sgemm}: {@code C = alpha * op(A) * op(B) + beta * C} where op(A) is
     * {@code [m, k]} ({@code A} stored {@code [k, m]} when {@code transA}), op(B) is {@code [k, n]},
     * C is {@code [m, n]} with leading dimension {@code ldc}. With {@code beta == 0} C is only
     * written. Uses the backend's threads (or the calling thread when called from one of them).
     *
     * @throws TensorException when a size is negative, a leading dimension is too small or an
     *                         operand does not fit its array
     */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        checkArgs("sgemm", transA, transB, m, n, k, a == null ? -1 : a.length, aOff, lda, b == null ? -1 : b.length, bOff,
                ldb, c == null ? -1 : c.length, cOff, ldc);
        gemmF32(par, m, n, k, alpha, a, aOff, transA ? 1 : lda, transA ? lda : 1, b, bOff, transB ? 1 : ldb,
                transB ? ldb : 1, beta, c, cOff, ldc);
    }

    /** The float64 twin of {@link #sgemm}. */
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aOff, int lda,
                      double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc) {
        checkArgs("dgemm", transA, transB, m, n, k, a == null ? -1 : a.length, aOff, lda, b == null ? -1 : b.length, bOff,
                ldb, c == null ? -1 : c.length, cOff, ldc);
        gemmF64(par, m, n, k, alpha, a, aOff, transA ? 1 : lda, transA ? lda : 1, b, bOff, transB ? 1 : ldb,
                transB ? ldb : 1, beta, c, cOff, ldc);
    }

    /**
     * Strided float product on the threads of {@code pp} ({@link #SERIAL} inside another parallel
     * loop): A(i,p) = a[aOff + i*ars + p*acs], B(p,j) = b[bOff + p*brs + j*bcs].
     */
    void gemmF32(Parallel pp, int m, int n, int k, float alpha, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs,
                 int bcs, float beta, float[] c, int cOff, int ldc) {
        if (!vectorized || !Sgemm.VECTOR || (long) m * n * k < TINY_FMAS) {
            referenceF32(m, n, k, alpha, a, aOff, ars, acs, b, bOff, brs, bcs, beta, c, cOff, ldc);
        } else {
            Sgemm.gemm(pp, new Sgemm.Problem(m, n, k, alpha, a, aOff, ars, acs, b, bOff, brs, bcs, beta, c, cOff, ldc));
        }
    }

    /** Strided double product, see {@link #gemmF32}. */
    void gemmF64(Parallel pp, int m, int n, int k, double alpha, double[] a, int aOff, int ars, int acs, double[] b, int bOff,
                 int brs, int bcs, double beta, double[] c, int cOff, int ldc) {
        if (!vectorized || !Dgemm.VECTOR || (long) m * n * k < TINY_FMAS) {
            referenceF64(m, n, k, alpha, a, aOff, ars, acs, b, bOff, brs, bcs, beta, c, cOff, ldc);
        } else {
            Dgemm.gemm(pp, m, n, k, alpha, a, aOff, ars, acs, b, bOff, brs, bcs, beta, c, cOff, ldc);
        }
    }

    /** The plain triple loop every fast path is tested against. */
    static void referenceF32(int m, int n, int k, float alpha, float[] a, int aOff, int ars, int acs, float[] b, int bOff,
                             int brs, int bcs, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[aOff + i * ars + p * acs] * b[bOff + p * brs + j * bcs];
                }
                int ci = cOff + i * ldc + j;
                // alpha == 0 ignores A and B entirely, as BLAS (and the fast path) do
                float v = alpha == 0 ? 0f : alpha * s;
                c[ci] = beta == 0 ? v : v + beta * c[ci];
            }
        }
    }

    /** The plain triple loop every fast path is tested against. */
    static void referenceF64(int m, int n, int k, double alpha, double[] a, int aOff, int ars, int acs, double[] b,
                             int bOff, int brs, int bcs, double beta, double[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[aOff + i * ars + p * acs] * b[bOff + p * brs + j * bcs];
                }
                int ci = cOff + i * ldc + j;
                double v = alpha == 0 ? 0.0 : alpha * s;
                c[ci] = beta == 0 ? v : v + beta * c[ci];
            }
        }
    }

    private static void checkArgs(String op, boolean transA, boolean transB, int m, int n, int k, int aLen, int aOff,
                                  int lda, int bLen, int bOff, int ldb, int cLen, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new TensorException(op + ": sizes must be non-negative, got m=" + m + " n=" + n + " k=" + k);
        }
        checkMatrix(op, "A", transA ? k : m, transA ? m : k, aLen, aOff, lda);
        checkMatrix(op, "B", transB ? n : k, transB ? k : n, bLen, bOff, ldb);
        checkMatrix(op, "C", m, n, cLen, cOff, ldc);
    }

    private static void checkMatrix(String op, String name, int rows, int cols, int len, int off, int ld) {
        if (rows == 0 || cols == 0) {
            return;
        }
        if (len < 0) {
            throw new TensorException(op + ": array " + name + " is null but " + name + " is " + rows + "x" + cols);
        }
        if (ld < cols) {
            throw new TensorException(op + ": leading dimension of " + name + " is " + ld + ", expected at least " + cols);
        }
        long last = (long) off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || last >= len) {
            throw new IndexOutOfRangeException(op + ": " + name + " (" + rows + "x" + cols + ", offset " + off
                    + ", leading dimension " + ld + ") does not fit its array of length " + len);
        }
    }
}
