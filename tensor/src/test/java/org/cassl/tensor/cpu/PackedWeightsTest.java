package org.cassl.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Sgemm#packAll} on several threads lays out exactly what the serial pack does, for plain
 * and transposed operands, with partial last panels, several k slices and an alpha; and the
 * packed product equals the unpacked one.
 */
class PackedWeightsTest {
    @Test
    void parallelPackEqualsSerialPack() {
        Random r = new Random(3);
        // m not a multiple of MR, k over one slice; large enough that the threads split the panels
        int m = 13 * Sgemm.MR + 5;
        int k = 2 * Sgemm.KC + 37;
        float[] a = new float[7 + m * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        try (Parallel par = new Parallel(3)) {
            for (boolean transposed : new boolean[] {false, true}) {
                int ars = transposed ? 1 : k;
                int acs = transposed ? m : 1;
                for (float alpha : new float[] {1f, -0.5f}) {
                    Sgemm.PackedA serial = Sgemm.packAll(a, 7, ars, acs, m, k, alpha);
                    // into a reused buffer holding garbage: every float of the packed operand is written
                    float[] dirty = new float[Sgemm.packedLength(m, k) + 3];
                    java.util.Arrays.fill(dirty, Float.NaN);
                    Sgemm.PackedA parallel = Sgemm.packAll(par, a, 7, ars, acs, m, k, alpha, null, 0, dirty);
                    assertSame(dirty, parallel.data);
                    assertEquals(serial.kcMax, parallel.kcMax);
                    assertArrayEquals(serial.data, java.util.Arrays.copyOf(parallel.data, serial.data.length), "transposed=" + transposed + " alpha=" + alpha);
                }
            }
        }
    }

    @Test
    void packedTransposedProductMatchesUnpacked() {
        Random r = new Random(4);
        int m = 3 * Sgemm.MR + 3;
        int n = 45;
        int k = Sgemm.KC + 11;
        // A = W^T with W [k, m] row-major: A(i,p) = w[p*m + i], the layout of a convolution's input gradient
        float[] w = new float[k * m];
        float[] b = new float[k * n];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextGaussian();
        }
        float[] expected = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) w[p * m + i] * b[p * n + j];
                }
                expected[i * n + j] = (float) s;
            }
        }
        float[] c = new float[m * n];
        try (Parallel par = new Parallel(2)) {
            Sgemm.gemmPacked(Sgemm.packAll(par, w, 0, 1, m, m, k, 1f, null, 0, null), n, b, 0, n, 1, 0f, c, 0, n);
        }
        assertArrayEquals(expected, c, 1e-3f);
    }
}
