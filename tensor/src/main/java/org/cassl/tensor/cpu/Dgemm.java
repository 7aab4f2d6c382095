package org.cassl.tensor.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cache-blocked double GEMM. Float64 serves gradcheck and reference tests, not the hot path, so
 * rather than twin {@link Sgemm}'s packed, generated micro-kernels it has one small register
 * tile: for each {@code NC}-wide, {@code KC}-deep block, B is packed into {@code NR}-wide panels
 * ({@code [kc][NR]}, in L2), and each {@code MR x NR} tile of C is accumulated in {@code 2 * MR}
 * vector registers reading A where it lies. Threads split the rows of C. Operands are addressed
 * by (row stride, column stride), so transposed and broadcast views need no copy.
 */
final class Dgemm {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    /** Whether vectors are wide enough for this path to beat the plain triple loop. */
    static final boolean VECTOR = S.length() >= 2;
    private static final int L = S.length();
    /** Rows of the register tile. */
    static final int MR = 4;
    /** Columns of the register tile (2 vectors). */
    static final int NR = 2 * L;
    /** Depth of a packed block of B. */
    static final int KC = 256;
    /** Columns of a packed block of B (KC x NC doubles, 512 KB). */
    static final int NC = 256;
    /** Below this many multiply-adds per chunk of rows a product stays on one thread. */
    private static final long MIN_PARALLEL_FMAS = 1L << 18;

    private static final ThreadLocal<double[]> PACKED_B = ThreadLocal.withInitial(() -> new double[KC * NC]);
    private static final ThreadLocal<double[]> TILE = ThreadLocal.withInitial(() -> new double[MR * NR]);

    private Dgemm() {
    }

    /**
     * {@code C = alpha * A * B + beta * C} with A(i,p) = a[aOff + i*ars + p*acs], B(p,j) =
     * b[bOff + p*brs + j*bcs] and C row-major from {@code cOff} with leading dimension {@code ldc}.
     * {@code beta == 0} overwrites C (NaN in C does not survive).
     */
    static void gemm(Parallel par, int m, int n, int k, double alpha, double[] a, int aOff, int ars, int acs, double[] b,
                     int bOff, int brs, int bcs, double beta, double[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (beta != 1) {
            for (int i = 0; i < m; i++) {
                int row = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    c[row + j] = beta == 0 ? 0.0 : beta * c[row + j];
                }
            }
        }
        if (k == 0 || alpha == 0) {
            return;
        }
        double[] bp = PACKED_B.get();
        int tilesM = (m + MR - 1) / MR;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                pack(b, bOff + pc * brs + jc * bcs, brs, bcs, kc, nc, bp);
                int grain = (int) Math.max(1, MIN_PARALLEL_FMAS / ((long) MR * kc * nc));
                int ao = aOff + pc * acs;
                int co = cOff + jc;
                par.forRange(tilesM, grain, (s, e) -> {
                    double[] tile = TILE.get();
                    for (int t = s; t < e; t++) {
                        for (int j0 = 0; j0 < nc; j0 += NR) {
                            tile(t * MR, m, j0, Math.min(NR, nc - j0), kc, alpha, a, ao, ars, acs, bp, j0 * kc, c, co,
                                    ldc, tile);
                        }
                    }
                });
            }
        }
    }

    /** B[0:kc, 0:nc] from {@code base} into NR-column panels {@code [kc][NR]}, zero-padding the last. */
    private static void pack(double[] b, int base, int rs, int cs, int kc, int nc, double[] bp) {
        for (int j0 = 0; j0 < nc; j0 += NR) {
            int cols = Math.min(NR, nc - j0);
            for (int p = 0; p < kc; p++) {
                int src = base + p * rs + j0 * cs;
                int dst = j0 * kc + p * NR;
                for (int j = 0; j < NR; j++) {
                    bp[dst + j] = j < cols ? b[src + j * cs] : 0.0;
                }
            }
        }
    }

    /**
     * {@code C[i0:i0+MR, j0:j0+cols] += alpha * A[i0:i0+MR, 0:kc] x panel}; rows past {@code m}
     * repeat the last row of A and are not written.
     */
    private static void tile(int i0, int m, int j0, int cols, int kc, double alpha, double[] a, int ao, int ars,
                             int acs, double[] bp, int bo, double[] c, int co, int ldc, double[] tile) {
        int a0 = ao + i0 * ars;
        int a1 = ao + Math.min(i0 + 1, m - 1) * ars;
        int a2 = ao + Math.min(i0 + 2, m - 1) * ars;
        int a3 = ao + Math.min(i0 + 3, m - 1) * ars;
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        for (int p = 0; p < kc; p++) {
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bo);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, bo + L);
            int pa = p * acs;
            DoubleVector v = DoubleVector.broadcast(S, a[a0 + pa]);
            c00 = b0.fma(v, c00); c01 = b1.fma(v, c01);
            v = DoubleVector.broadcast(S, a[a1 + pa]);
            c10 = b0.fma(v, c10); c11 = b1.fma(v, c11);
            v = DoubleVector.broadcast(S, a[a2 + pa]);
            c20 = b0.fma(v, c20); c21 = b1.fma(v, c21);
            v = DoubleVector.broadcast(S, a[a3 + pa]);
            c30 = b0.fma(v, c30); c31 = b1.fma(v, c31);
            bo += NR;
        }
        c00.mul(alpha).intoArray(tile, 0); c01.mul(alpha).intoArray(tile, L);
        c10.mul(alpha).intoArray(tile, NR); c11.mul(alpha).intoArray(tile, NR + L);
        c20.mul(alpha).intoArray(tile, 2 * NR); c21.mul(alpha).intoArray(tile, 2 * NR + L);
        c30.mul(alpha).intoArray(tile, 3 * NR); c31.mul(alpha).intoArray(tile, 3 * NR + L);
        int rows = Math.min(MR, m - i0);
        for (int i = 0; i < rows; i++) {
            int row = co + (i0 + i) * ldc + j0;
            for (int j = 0; j < cols; j++) {
                c[row + j] += tile[i * NR + j];
            }
        }
    }
}
