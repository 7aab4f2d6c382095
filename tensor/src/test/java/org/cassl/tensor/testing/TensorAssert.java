package org.cassl.tensor.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.cassl.tensor.Tensor;

/** Tensor comparisons with messages that say where and by how much values differ. */
public final class TensorAssert {
    private TensorAssert() {
    }

    /** Shapes equal and every element within {@code atol + rtol*|expected|}; NaN matches NaN, inf matches inf. */
    public static void assertClose(Tensor expected, Tensor actual, double rtol, double atol, String what) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            fail(what + ": shape " + Arrays.toString(actual.shape()) + " != expected " + Arrays.toString(expected.shape()));
        }
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        int worst = -1;
        double worstExcess = 0;
        int bad = 0;
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i]) || Double.isNaN(a[i])) {
                if (Double.isNaN(e[i]) != Double.isNaN(a[i])) {
                    bad++;
                    if (worst < 0 || worstExcess < Double.POSITIVE_INFINITY) {
                        worst = i;
                        worstExcess = Double.POSITIVE_INFINITY;
                    }
                }
                continue;
            }
            if (e[i] == a[i]) {
                continue;
            }
            double diff = Math.abs(e[i] - a[i]);
            double tol = atol + rtol * Math.abs(e[i]);
            if (!(diff <= tol)) {
                bad++;
                double excess = diff - tol;
                if (Double.isNaN(excess)) {
                    excess = Double.POSITIVE_INFINITY;
                }
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + e.length + " elements differ (rtol " + rtol + ", atol " + atol
                    + "); worst at flat index " + worst + " " + Arrays.toString(unravel(worst, expected.shape()))
                    + ": expected " + e[worst] + ", got " + a[worst]);
        }
    }

    /** Exact equality of shape and values (for integer and bool results). */
    public static void assertEqual(Tensor expected, Tensor actual, String what) {
        assertClose(expected, actual, 0, 0, what);
    }

    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 0) {
                return idx;
            }
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }
}
