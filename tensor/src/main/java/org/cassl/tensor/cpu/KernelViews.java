package org.cassl.tensor.cpu;

import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.Tensor;

/**
 * Small layout helpers shared by the indexing, normalisation, interpolation and detection
 * kernels: dense copies of strided inputs, re-strided views, and slice offsets along one dim.
 */
final class KernelViews {
    private KernelViews() {
    }

    /** {@code t} itself when contiguous, else a contiguous copy made on {@code par}'s threads. */
    static Tensor dense(Parallel par, Tensor t) {
        if (t.isContiguous()) {
            return t;
        }
        Tensor c = Tensor.zeros(t.dtype(), Device.CPU, t.shape());
        Object s = ElementAccess.array(t);
        Object d = ElementAccess.array(c);
        new StridedLoop(c, t).parallel(par, (len, o0, s0, o1, s1, o2, s2, o3, s3) -> {
            if (s instanceof float[] a) {
                float[] b = (float[]) d;
                for (int i = 0; i < len; i++) {
                    b[o0 + i * s0] = a[o1 + i * s1];
                }
            } else if (s instanceof double[] a) {
                double[] b = (double[]) d;
                for (int i = 0; i < len; i++) {
                    b[o0 + i * s0] = a[o1 + i * s1];
                }
            } else if (s instanceof long[] a) {
                long[] b = (long[]) d;
                for (int i = 0; i < len; i++) {
                    b[o0 + i * s0] = a[o1 + i * s1];
                }
            } else {
                byte[] a = (byte[]) s;
                byte[] b = (byte[]) d;
                for (int i = 0; i < len; i++) {
                    b[o0 + i * s0] = a[o1 + i * s1];
                }
            }
        });
        return c;
    }

    /**
     * A view of {@code t}'s storage with {@code shape}, t's own strides except {@code dim}, whose
     * stride becomes {@code dimStride} (0 turns the dim into a broadcast of one slice).
     */
    static Tensor restrided(Tensor t, int[] shape, int dim, int dimStride) {
        int[] st = t.strides();
        st[dim] = dimStride;
        return new Tensor(t.storage(), shape, st, t.offset());
    }

    /**
     * A view that broadcasts a 1-D tensor {@code v} along {@code dim} of {@code shape}: every
     * other dim has stride 0.
     */
    static Tensor alongDim(Tensor v, int[] shape, int dim) {
        int[] st = new int[shape.length];
        st[dim] = v.stride(0);
        return new Tensor(v.storage(), shape, st, v.offset());
    }

    /** The elements of a 1-D tensor as doubles, or null for a null tensor. */
    static double[] doubles(Tensor v) {
        if (v == null) {
            return null;
        }
        Object a = ElementAccess.array(v);
        int n = v.numel();
        int st = v.dim() == 0 ? 0 : v.stride(0);
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = ElementAccess.getD(a, v.offset() + i * st);
        }
        return r;
    }

    /** Whether a float dtype should use the float32 path. */
    static boolean isF32(Tensor t) {
        return t.dtype() == DType.F32;
    }

    /**
     * Offsets of the 1-D slices of a tensor along one dim: slice {@code o} enumerates the other
     * dims in row-major order.
     */
    static final class Slices {
        private final int[] keepShape;
        private final int[] keepStrides;
        private final int base;
        final int count;
        final int length;
        final int stride;

        Slices(Tensor t, int dim) {
            int[] shape = t.shape();
            int[] strides = t.strides();
            keepShape = new int[shape.length - 1];
            keepStrides = new int[shape.length - 1];
            int k = 0;
            int c = 1;
            for (int d = 0; d < shape.length; d++) {
                if (d != dim) {
                    keepShape[k] = shape[d];
                    keepStrides[k++] = strides[d];
                    c *= shape[d];
                }
            }
            count = c;
            length = shape[dim];
            stride = strides[dim];
            base = t.offset();
        }

        /** Storage offset of element 0 of slice {@code o}. */
        int offset(int o) {
            int off = base;
            for (int d = keepShape.length - 1; d >= 0; d--) {
                int i = o % keepShape[d];
                o /= keepShape[d];
                off += i * keepStrides[d];
            }
            return off;
        }
    }
}
