package org.cassl.tensor.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double GEMM micro-kernel: a 6x8 tile of C accumulated in 12 vector registers
 * (4-lane 256-bit vectors) from packed panels of A ({@code [kc][6]}) and B ({@code [kc][8]}).
 * Written out by hand because the JIT only keeps vectors in registers when every accumulator is
 * a separate local; more than about 20 accumulators make C2 spill them to the heap.
 */
final class DgemmKernel256 {
    /** Rows of the register tile. */
    static final int MR = 6;
    /** Columns of the register tile (2 vectors). */
    static final int NR = 8;

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;

    private DgemmKernel256() {
    }

    /**
     * {@code C[0:MR, 0:NR] = alpha * Ap * Bp + beta * C} for one full tile; with {@code beta == 0}
     * C is not read (so NaN/garbage there does not leak in, as in BLAS).
     *
     * @param kc  depth of the panels
     * @param ap  packed A, {@code kc*MR} values from {@code ao}
     * @param bp  packed B, {@code kc*NR} values from {@code bo}
     * @param c   output, row-major with leading dimension {@code ldc} from {@code co}
     */
    static void tile(int kc, double[] ap, int ao, double[] bp, int bo, double[] c, int co, int ldc, double alpha, double beta) {
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector c00 = z, c01 = z;
        DoubleVector c10 = z, c11 = z;
        DoubleVector c20 = z, c21 = z;
        DoubleVector c30 = z, c31 = z;
        DoubleVector c40 = z, c41 = z;
        DoubleVector c50 = z, c51 = z;
        for (int p = 0; p < kc; p++) {
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bo);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, bo + 4);
            DoubleVector a;
            a = DoubleVector.broadcast(S, ap[ao]);
            c00 = b0.fma(a, c00); c01 = b1.fma(a, c01);
            a = DoubleVector.broadcast(S, ap[ao + 1]);
            c10 = b0.fma(a, c10); c11 = b1.fma(a, c11);
            a = DoubleVector.broadcast(S, ap[ao + 2]);
            c20 = b0.fma(a, c20); c21 = b1.fma(a, c21);
            a = DoubleVector.broadcast(S, ap[ao + 3]);
            c30 = b0.fma(a, c30); c31 = b1.fma(a, c31);
            a = DoubleVector.broadcast(S, ap[ao + 4]);
            c40 = b0.fma(a, c40); c41 = b1.fma(a, c41);
            a = DoubleVector.broadcast(S, ap[ao + 5]);
            c50 = b0.fma(a, c50); c51 = b1.fma(a, c51);
            ao += 6;
            bo += 8;
        }
        if (alpha != 1) {
            DoubleVector va = DoubleVector.broadcast(S, alpha);
            c00 = c00.mul(va); c01 = c01.mul(va);
            c10 = c10.mul(va); c11 = c11.mul(va);
            c20 = c20.mul(va); c21 = c21.mul(va);
            c30 = c30.mul(va); c31 = c31.mul(va);
            c40 = c40.mul(va); c41 = c41.mul(va);
            c50 = c50.mul(va); c51 = c51.mul(va);
        }
        // written out (not a helper taking vectors): passing vectors to a call that is not
        // inlined would box them
        if (beta == 0) {
            c00.intoArray(c, co); c01.intoArray(c, co + 4);
            c10.intoArray(c, co + ldc); c11.intoArray(c, co + ldc + 4);
            c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + 4);
            c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + 4);
            c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + 4);
            c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + 4);
        } else if (beta == 1) {
            DoubleVector.fromArray(S, c, co).add(c00).intoArray(c, co);
            DoubleVector.fromArray(S, c, co + 4).add(c01).intoArray(c, co + 4);
            DoubleVector.fromArray(S, c, co + ldc).add(c10).intoArray(c, co + ldc);
            DoubleVector.fromArray(S, c, co + ldc + 4).add(c11).intoArray(c, co + ldc + 4);
            DoubleVector.fromArray(S, c, co + 2 * ldc).add(c20).intoArray(c, co + 2 * ldc);
            DoubleVector.fromArray(S, c, co + 2 * ldc + 4).add(c21).intoArray(c, co + 2 * ldc + 4);
            DoubleVector.fromArray(S, c, co + 3 * ldc).add(c30).intoArray(c, co + 3 * ldc);
            DoubleVector.fromArray(S, c, co + 3 * ldc + 4).add(c31).intoArray(c, co + 3 * ldc + 4);
            DoubleVector.fromArray(S, c, co + 4 * ldc).add(c40).intoArray(c, co + 4 * ldc);
            DoubleVector.fromArray(S, c, co + 4 * ldc + 4).add(c41).intoArray(c, co + 4 * ldc + 4);
            DoubleVector.fromArray(S, c, co + 5 * ldc).add(c50).intoArray(c, co + 5 * ldc);
            DoubleVector.fromArray(S, c, co + 5 * ldc + 4).add(c51).intoArray(c, co + 5 * ldc + 4);
        } else {
            DoubleVector vb = DoubleVector.broadcast(S, beta);
            DoubleVector.fromArray(S, c, co).fma(vb, c00).intoArray(c, co);
            DoubleVector.fromArray(S, c, co + 4).fma(vb, c01).intoArray(c, co + 4);
            DoubleVector.fromArray(S, c, co + ldc).fma(vb, c10).intoArray(c, co + ldc);
            DoubleVector.fromArray(S, c, co + ldc + 4).fma(vb, c11).intoArray(c, co + ldc + 4);
            DoubleVector.fromArray(S, c, co + 2 * ldc).fma(vb, c20).intoArray(c, co + 2 * ldc);
            DoubleVector.fromArray(S, c, co + 2 * ldc + 4).fma(vb, c21).intoArray(c, co + 2 * ldc + 4);
            DoubleVector.fromArray(S, c, co + 3 * ldc).fma(vb, c30).intoArray(c, co + 3 * ldc);
            DoubleVector.fromArray(S, c, co + 3 * ldc + 4).fma(vb, c31).intoArray(c, co + 3 * ldc + 4);
            DoubleVector.fromArray(S, c, co + 4 * ldc).fma(vb, c40).intoArray(c, co + 4 * ldc);
            DoubleVector.fromArray(S, c, co + 4 * ldc + 4).fma(vb, c41).intoArray(c, co + 4 * ldc + 4);
            DoubleVector.fromArray(S, c, co + 5 * ldc).fma(vb, c50).intoArray(c, co + 5 * ldc);
            DoubleVector.fromArray(S, c, co + 5 * ldc + 4).fma(vb, c51).intoArray(c, co + 5 * ldc + 4);
        }
    }
}
