package org.cassl.tensor.cpu;

/**
 * Source indices and weights along one axis of a resize, computed exactly as PyTorch 1.13's CPU
 * kernels do ({@code area_pixel_compute_scale}, {@code area_pixel_compute_source_index},
 * {@code compute_source_index_and_lambda}, {@code nearest_idx}), including which steps run in
 * float for float32 tensors: the scale is a float, the source position is computed in double
 * (PyTorch's CPU {@code acc_type<float>}), the weights are rounded to float; nearest runs in float.
 */
final class InterpAxis {
    /** Lower and upper source index per output position (equal for nearest). */
    final int[] i0;
    final int[] i1;
    /** Weights of i0 and i1 in float (float32 path) ... */
    final float[] w0f;
    final float[] w1f;
    /** ... and in double (float64 path). */
    final double[] w0d;
    final double[] w1d;

    private InterpAxis(int n) {
        i0 = new int[n];
        i1 = new int[n];
        w0f = new float[n];
        w1f = new float[n];
        w0d = new double[n];
        w1d = new double[n];
    }

    /**
     * PyTorch's legacy nearest: {@code min(floor(dst * scale), in - 1)} in float, with
     * {@code scale = 1/userScale} when a scale factor is passed, else {@code in/out}; the identity
     * and exact 2x cases are special-cased as in PyTorch.
     */
    static InterpAxis nearest(int in, int out, double userScale) {
        InterpAxis a = new InterpAxis(out);
        float scale = userScale > 0 ? (float) (1.0 / userScale) : (float) in / (float) out;
        for (int o = 0; o < out; o++) {
            int src;
            if (out == in) {
                src = o;
            } else if (out == 2 * in) {
                src = o >> 1;
            } else {
                src = Math.min((int) Math.floor((float) o * scale), in - 1);
            }
            a.i0[o] = src;
            a.i1[o] = src;
            a.w0f[o] = 1;
            a.w0d[o] = 1;
        }
        return a;
    }

    /** Linear interpolation weights with PyTorch's source-index rules (float32 rounding when {@code f32}). */
    static InterpAxis linear(int in, int out, boolean alignCorners, double userScale, boolean f32) {
        InterpAxis a = new InterpAxis(out);
        if (f32) {
            float scale;
            if (alignCorners) {
                scale = out > 1 ? (float) (in - 1) / (float) (out - 1) : 0f;
            } else {
                scale = userScale > 0 ? (float) (1.0 / userScale) : (float) in / (float) out;
            }
            for (int o = 0; o < out; o++) {
                if (out == in) {
                    a.set(o, o, o, 1, 0);
                    continue;
                }
                // PyTorch computes the source position in acc_type<float> = double from the
                // float scale, and rounds only the weights to float
                double real = alignCorners ? scale * (double) o : Math.max(scale * (o + 0.5) - 0.5, 0);
                int lo = (int) real;
                float l1 = (float) (real - lo);
                a.set(o, lo, lo < in - 1 ? lo + 1 : lo, (float) (1.0 - l1), l1);
            }
        } else {
            double scale;
            if (alignCorners) {
                scale = out > 1 ? (double) (in - 1) / (out - 1) : 0;
            } else {
                scale = userScale > 0 ? 1.0 / userScale : (double) in / out;
            }
            for (int o = 0; o < out; o++) {
                if (out == in) {
                    a.set(o, o, o, 1, 0);
                    continue;
                }
                double real = alignCorners ? scale * o : Math.max(scale * (o + 0.5) - 0.5, 0);
                int lo = (int) real;
                double l1 = real - lo;
                a.i0[o] = lo;
                a.i1[o] = lo < in - 1 ? lo + 1 : lo;
                a.w0d[o] = 1 - l1;
                a.w1d[o] = l1;
            }
        }
        return a;
    }

    private void set(int o, int lo, int hi, float w0, float w1) {
        i0[o] = lo;
        i1[o] = hi;
        w0f[o] = w0;
        w1f[o] = w1;
        w0d[o] = w0;
        w1d[o] = w1;
    }
}
