package org.cassl.detection.coco.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NumpyMeanTest {
    /** Values from numpy 1.24: {@code i = arange(n); a = 1/(i+1) + (i%3)*0.37; a.mean()}; naive summation differs in the last bits. */
    @Test
    void matchesNumpyPairwiseSummationBitForBit() {
        int[] ns = {7, 100, 129, 1000, 80800};
        double[] numpy = {0.6875510204081633, 0.41817377517639626, 0.41217751186491214, 0.3771154708605503, 0.37014241279823656};
        double[] naive = {0.6875510204081633, 0.4181737751763962, 0.4121775118649122, 0.37711547086055025, 0.3701424127982378};
        for (int c = 0; c < ns.length; c++) {
            int n = ns[c];
            double[] a = new double[n];
            double s = 0;
            for (int i = 0; i < n; i++) {
                a[i] = 1.0 / (i + 1.0) + (i % 3) * 0.37;
                s += a[i];
            }
            assertEquals(naive[c], s / n, 0.0, "naive reference for n=" + n);
            assertEquals(numpy[c], NumpyMean.mean(a, n), 0.0, "n=" + n);
        }
    }

    @Test
    void linspaceMatchesNumpy() {
        double[] t = EvalParams.linspace(.5, .95, 10);
        assertEquals(0.8999999999999999, t[8], 0.0);
        assertEquals(0.85, t[7], 0.0);
        assertEquals(0.75, t[5], 0.0);
        double[] r = EvalParams.linspace(0, 1, 101);
        assertEquals(101, r.length);
        assertEquals(0.07, r[7], 0.0);
        assertEquals(1.0, r[100], 0.0);
    }
}
