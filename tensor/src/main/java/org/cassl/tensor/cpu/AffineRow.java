package org.cassl.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The output pass of a normalisation: {@code o = relu?(x * scale + shift + residual)} over one
 * row, each step rounded as the unfused ops round it (a product, then a sum, then the residual's
 * sum, then ReLU's {@code v <= 0 ? 0 : v}, which keeps NaN), so a fused norm equals norm, add
 * and ReLU run one after another to the bit. {@code r} is null without a residual; {@code o} may
 * be {@code x} (in place: a convolution's epilogue is the case {@code scale = 1}, exact).
 */
final class AffineRow {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final boolean VECTOR = F.length() >= 8;

    private AffineRow() {
    }

    static void f32(float[] x, int xo, float[] o, int oo, float[] r, int ro, int n, float scale, float shift,
                    boolean relu) {
        f32(x, xo, o, oo, r, ro, n, scale, shift, relu, VECTOR);
    }

    /** As above; {@code vectorized} false keeps to scalar code (the same values: each lane rounds as the scalar does). */
    static void f32(float[] x, int xo, float[] o, int oo, float[] r, int ro, int n, float scale, float shift,
                    boolean relu, boolean vectorized) {
        int k = 0;
        if (vectorized && VECTOR) {
            for (int bound = F.loopBound(n); k < bound; k += F.length()) {
                FloatVector v = FloatVector.fromArray(F, x, xo + k).mul(scale).add(shift);
                if (r != null) {
                    v = v.add(FloatVector.fromArray(F, r, ro + k));
                }
                if (relu) {
                    v = v.blend(0f, v.compare(VectorOperators.LE, 0f));
                }
                v.intoArray(o, oo + k);
            }
        }
        for (; k < n; k++) {
            float v = x[xo + k] * scale + shift;
            if (r != null) {
                v = v + r[ro + k];
            }
            o[oo + k] = relu && v <= 0 ? 0f : v;
        }
    }

    static void f64(double[] x, int xo, double[] o, int oo, double[] r, int ro, int n, double scale, double shift,
                    boolean relu) {
        for (int k = 0; k < n; k++) {
            double v = x[xo + k] * scale + shift;
            if (r != null) {
                v = v + r[ro + k];
            }
            o[oo + k] = relu && v <= 0 ? 0.0 : v;
        }
    }
}
