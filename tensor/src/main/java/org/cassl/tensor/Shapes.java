package org.cassl.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by the tensor layer and backends: sizes, strides, broadcasting. */
public final class Shapes {
    private Shapes() {
    }

    /** Product of the sizes; throws when it does not fit in an int. */
    public static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new ShapeMismatchException("negative size in shape " + str(shape));
            }
            n *= s;
            if (n > Integer.MAX_VALUE) {
                throw new ShapeMismatchException("shape " + str(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    /** Row-major strides for a shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /** NumPy/PyTorch broadcasting of two shapes, or a {@link ShapeMismatchException} naming the op. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else {
                throw new ShapeMismatchException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast (dimension " + i + ": " + da + " vs " + db + ")");
            }
        }
        return out;
    }

    /** Broadcast of any number of shapes. */
    public static int[] broadcast(String op, int[]... shapes) {
        int[] out = new int[0];
        for (int[] s : shapes) {
            out = broadcast(op, out, s);
        }
        return out;
    }

    /** Wraps a possibly negative dimension into {@code [0, rank)}. */
    public static int normalizeDim(String op, int dim, int rank) {
        int r = Math.max(rank, 1);
        if (dim < -r || dim >= r) {
            throw new IndexOutOfRangeException(op + ": dimension " + dim + " out of range for a tensor of rank " + rank
                    + " (expected [" + (-r) + ", " + (r - 1) + "])");
        }
        return dim < 0 ? dim + r : dim;
    }

    /** Normalises a list of dimensions, rejecting repeats. */
    public static int[] normalizeDims(String op, int[] dims, int rank) {
        int[] out = new int[dims.length];
        boolean[] seen = new boolean[Math.max(rank, 1)];
        for (int i = 0; i < dims.length; i++) {
            out[i] = normalizeDim(op, dims[i], rank);
            if (seen[out[i]]) {
                throw new TensorException(op + ": dimension " + out[i] + " appears more than once in " + Arrays.toString(dims));
            }
            seen[out[i]] = true;
        }
        Arrays.sort(out);
        return out;
    }

    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Shape with the listed (sorted, normalised) dims set to 1 or removed. */
    public static int[] reducedShape(int[] shape, int[] dims, boolean keepdim) {
        boolean[] r = new boolean[shape.length];
        for (int d : dims) {
            r[d] = true;
        }
        int[] out = new int[keepdim ? shape.length : shape.length - dims.length];
        int j = 0;
        for (int i = 0; i < shape.length; i++) {
            if (r[i]) {
                if (keepdim) {
                    out[j++] = 1;
                }
            } else {
                out[j++] = shape[i];
            }
        }
        return out;
    }
}
