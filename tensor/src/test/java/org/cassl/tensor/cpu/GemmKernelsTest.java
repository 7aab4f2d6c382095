package org.cassl.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every micro-kernel on packed panels, including the 256-bit ones that only run on machines
 * without AVX-512 (they work, just slower, on wider hardware too).
 */
class GemmKernelsTest {
    @FunctionalInterface
    private interface FloatKernel {
        void run(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc);
    }

    @Test
    void floatKernelsStoreAndAdd() {
        checkFloat(SgemmKernel512.MR, SgemmKernel512.NR, SgemmKernel512::store, SgemmKernel512::add);
        checkFloat(SgemmKernel256.MR, SgemmKernel256.NR, SgemmKernel256::store, SgemmKernel256::add);
    }

    private static void checkFloat(int mr, int nr, FloatKernel store, FloatKernel add) {
        Random r = new Random(mr * 100 + nr);
        int kc = 37;
        int ao = 3;
        int bo = 5;
        int co = 7;
        int ldc = nr + 9;
        float[] ap = new float[ao + kc * mr];
        float[] bp = new float[bo + kc * nr];
        for (int i = 0; i < ap.length; i++) {
            ap[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < bp.length; i++) {
            bp[i] = (float) r.nextGaussian();
        }
        float[] c = new float[co + mr * ldc];
        java.util.Arrays.fill(c, Float.NaN); // store must not read C
        store.run(kc, ap, ao, bp, bo, c, co, ldc);
        float[] once = c.clone();
        add.run(kc, ap, ao, bp, bo, c, co, ldc);
        for (int i = 0; i < mr; i++) {
            for (int j = 0; j < nr; j++) {
                double s = 0;
                for (int p = 0; p < kc; p++) {
                    s += (double) ap[ao + p * mr + i] * bp[bo + p * nr + j];
                }
                int at = co + i * ldc + j;
                assertEquals(s, once[at], 1e-4, mr + "x" + nr + " store at " + i + "," + j);
                assertEquals(2 * s, c[at], 2e-4, mr + "x" + nr + " add at " + i + "," + j);
            }
            // the gap between rows is untouched
            assertEquals(Float.floatToIntBits(Float.NaN), Float.floatToIntBits(c[co + i * ldc + nr]));
        }
    }
}
