package org.cassl.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float GEMM micro-kernel: a 8x32 tile of C accumulated in 16 vector registers
 * (16-lane 512-bit vectors) from packed panels of A ({@code [kc][8]}) and B ({@code [kc][32]}).
 * Written out by hand because the JIT only keeps vectors in registers when every accumulator is
 * a separate local; more than about 20 accumulators make C2 spill them to the heap.
 */
final class SgemmKernel512 {
    /** Rows of the register tile. */
    static final int MR = 8;
    /** Columns of the register tile (2 vectors). */
    static final int NR = 32;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

    private SgemmKernel512() {
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
    static void tile(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, float alpha, float beta) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z;
        FloatVector c70 = z, c71 = z;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + 16);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[ao]);
            c00 = b0.fma(a, c00); c01 = b1.fma(a, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = b0.fma(a, c10); c11 = b1.fma(a, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = b0.fma(a, c20); c21 = b1.fma(a, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = b0.fma(a, c30); c31 = b1.fma(a, c31);
            a = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = b0.fma(a, c40); c41 = b1.fma(a, c41);
            a = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = b0.fma(a, c50); c51 = b1.fma(a, c51);
            a = FloatVector.broadcast(S, ap[ao + 6]);
            c60 = b0.fma(a, c60); c61 = b1.fma(a, c61);
            a = FloatVector.broadcast(S, ap[ao + 7]);
            c70 = b0.fma(a, c70); c71 = b1.fma(a, c71);
            ao += 8;
            bo += 32;
        }
        if (alpha != 1) {
            FloatVector va = FloatVector.broadcast(S, alpha);
            c00 = c00.mul(va); c01 = c01.mul(va);
            c10 = c10.mul(va); c11 = c11.mul(va);
            c20 = c20.mul(va); c21 = c21.mul(va);
            c30 = c30.mul(va); c31 = c31.mul(va);
            c40 = c40.mul(va); c41 = c41.mul(va);
            c50 = c50.mul(va); c51 = c51.mul(va);
            c60 = c60.mul(va); c61 = c61.mul(va);
            c70 = c70.mul(va); c71 = c71.mul(va);
        }
        // written out (not a helper taking vectors): passing vectors to a call that is not
        // inlined would box them
        if (beta == 0) {
            c00.intoArray(c, co); c01.intoArray(c, co + 16);
            c10.intoArray(c, co + ldc); c11.intoArray(c, co + ldc + 16);
            c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + 16);
            c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + 16);
            c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + 16);
            c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + 16);
            c60.intoArray(c, co + 6 * ldc); c61.intoArray(c, co + 6 * ldc + 16);
            c70.intoArray(c, co + 7 * ldc); c71.intoArray(c, co + 7 * ldc + 16);
        } else if (beta == 1) {
            FloatVector.fromArray(S, c, co).add(c00).intoArray(c, co);
            FloatVector.fromArray(S, c, co + 16).add(c01).intoArray(c, co + 16);
            FloatVector.fromArray(S, c, co + ldc).add(c10).intoArray(c, co + ldc);
            FloatVector.fromArray(S, c, co + ldc + 16).add(c11).intoArray(c, co + ldc + 16);
            FloatVector.fromArray(S, c, co + 2 * ldc).add(c20).intoArray(c, co + 2 * ldc);
            FloatVector.fromArray(S, c, co + 2 * ldc + 16).add(c21).intoArray(c, co + 2 * ldc + 16);
            FloatVector.fromArray(S, c, co + 3 * ldc).add(c30).intoArray(c, co + 3 * ldc);
            FloatVector.fromArray(S, c, co + 3 * ldc + 16).add(c31).intoArray(c, co + 3 * ldc + 16);
            FloatVector.fromArray(S, c, co + 4 * ldc).add(c40).intoArray(c, co + 4 * ldc);
            FloatVector.fromArray(S, c, co + 4 * ldc + 16).add(c41).intoArray(c, co + 4 * ldc + 16);
            FloatVector.fromArray(S, c, co + 5 * ldc).add(c50).intoArray(c, co + 5 * ldc);
            FloatVector.fromArray(S, c, co + 5 * ldc + 16).add(c51).intoArray(c, co + 5 * ldc + 16);
            FloatVector.fromArray(S, c, co + 6 * ldc).add(c60).intoArray(c, co + 6 * ldc);
            FloatVector.fromArray(S, c, co + 6 * ldc + 16).add(c61).intoArray(c, co + 6 * ldc + 16);
            FloatVector.fromArray(S, c, co + 7 * ldc).add(c70).intoArray(c, co + 7 * ldc);
            FloatVector.fromArray(S, c, co + 7 * ldc + 16).add(c71).intoArray(c, co + 7 * ldc + 16);
        } else {
            FloatVector vb = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, co).fma(vb, c00).intoArray(c, co);
            FloatVector.fromArray(S, c, co + 16).fma(vb, c01).intoArray(c, co + 16);
            FloatVector.fromArray(S, c, co + ldc).fma(vb, c10).intoArray(c, co + ldc);
            FloatVector.fromArray(S, c, co + ldc + 16).fma(vb, c11).intoArray(c, co + ldc + 16);
            FloatVector.fromArray(S, c, co + 2 * ldc).fma(vb, c20).intoArray(c, co + 2 * ldc);
            FloatVector.fromArray(S, c, co + 2 * ldc + 16).fma(vb, c21).intoArray(c, co + 2 * ldc + 16);
            FloatVector.fromArray(S, c, co + 3 * ldc).fma(vb, c30).intoArray(c, co + 3 * ldc);
            FloatVector.fromArray(S, c, co + 3 * ldc + 16).fma(vb, c31).intoArray(c, co + 3 * ldc + 16);
            FloatVector.fromArray(S, c, co + 4 * ldc).fma(vb, c40).intoArray(c, co + 4 * ldc);
            FloatVector.fromArray(S, c, co + 4 * ldc + 16).fma(vb, c41).intoArray(c, co + 4 * ldc + 16);
            FloatVector.fromArray(S, c, co + 5 * ldc).fma(vb, c50).intoArray(c, co + 5 * ldc);
            FloatVector.fromArray(S, c, co + 5 * ldc + 16).fma(vb, c51).intoArray(c, co + 5 * ldc + 16);
            FloatVector.fromArray(S, c, co + 6 * ldc).fma(vb, c60).intoArray(c, co + 6 * ldc);
            FloatVector.fromArray(S, c, co + 6 * ldc + 16).fma(vb, c61).intoArray(c, co + 6 * ldc + 16);
            FloatVector.fromArray(S, c, co + 7 * ldc).fma(vb, c70).intoArray(c, co + 7 * ldc);
            FloatVector.fromArray(S, c, co + 7 * ldc + 16).fma(vb, c71).intoArray(c, co + 7 * ldc + 16);
        }
    }
}
