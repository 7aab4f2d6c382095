package org.cassl.tensor.cpu;

import java.lang.ref.SoftReference;

/**
 * Per-thread scratch arrays for column matrices, kept between calls (allocating and zeroing tens
 * of megabytes per convolution would cost as much as the convolution's memory traffic). Held
 * through soft references so the garbage collector can take them back under memory pressure.
 * Contents are garbage: callers overwrite what they read.
 */
final class Workspace {
    private static final ThreadLocal<SoftReference<float[]>> F32 = new ThreadLocal<>();
    private static final ThreadLocal<SoftReference<double[]>> F64 = new ThreadLocal<>();
    /** A second float slot, for a convolution's packed weights, live while its column buffers are. */
    private static final ThreadLocal<SoftReference<float[]>> PACKED = new ThreadLocal<>();

    /** A third float slot: the output block of a product whose columns are scattered afterwards. */
    private static final ThreadLocal<SoftReference<float[]>> OUT = new ThreadLocal<>();

    /** A fourth float slot: a Winograd band's transformed input and products. */
    private static final ThreadLocal<SoftReference<float[]>> WINOGRAD = new ThreadLocal<>();

    private Workspace() {
    }

    /** The calling thread's buffer for {@link Winograd3x3}'s transformed tiles. */
    static float[] winograd(int length) {
        return floats(WINOGRAD, length);
    }

    /** The calling thread's buffer for an output block (see {@link CpuConvShared}). */
    static float[] outBlock(int length) {
        return floats(OUT, length);
    }

    /** A {@code float[]} (when {@code f32}) or {@code double[]} of at least {@code length} elements. */
    static Object get(boolean f32, int length) {
        return f32 ? floats(length) : doubles(length);
    }

    static float[] floats(int length) {
        return floats(F32, length);
    }

    /**
     * The calling thread's buffer for packed convolution weights (the FPN head packs the same
     * megabytes of weights once per pyramid level, forward and backward: fresh arrays for them were
     * a third of all bytes a training step allocated).
     */
    static float[] packedWeights(int length) {
        return floats(PACKED, length);
    }

    private static float[] floats(ThreadLocal<SoftReference<float[]>> slot, int length) {
        SoftReference<float[]> ref = slot.get();
        float[] a = ref == null ? null : ref.get();
        if (a == null || a.length < length) {
            a = new float[length];
            slot.set(new SoftReference<>(a));
        }
        return a;
    }

    static double[] doubles(int length) {
        SoftReference<double[]> ref = F64.get();
        double[] a = ref == null ? null : ref.get();
        if (a == null || a.length < length) {
            a = new double[length];
            F64.set(new SoftReference<>(a));
        }
        return a;
    }
}
