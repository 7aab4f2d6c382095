package org.cassl.tensor;

import java.util.Arrays;

/** Stride arithmetic for views; none of these copy data. */
final class Views {
    private Views() {
    }

    static int[] inferShape(String op, int[] shape, int[] requested) {
        int numel = Shapes.numel(shape);
        int[] s = requested.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw new ShapeMismatchException(op + ": only one dimension can be -1 in " + Arrays.toString(requested));
                }
                infer = i;
            } else if (s[i] < 0) {
                throw new ShapeMismatchException(op + ": invalid size " + s[i] + " in " + Arrays.toString(requested));
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new ShapeMismatchException(op + ": shape " + Arrays.toString(requested) + " is invalid for input of "
                        + numel + " elements " + Shapes.str(shape));
            }
            s[infer] = (int) (numel / known);
        } else if (known != numel) {
            throw new ShapeMismatchException(op + ": shape " + Arrays.toString(requested) + " is invalid for input of "
                    + numel + " elements " + Shapes.str(shape));
        }
        return s;
    }

    /**
     * Strides that let {@code newShape} view memory laid out as (shape, strides), or null. Same
     * algorithm as PyTorch's computeStride: walk chunks of old dims that are contiguous among
     * themselves and split each chunk into new dims.
     */
    static int[] viewStrides(int[] shape, int[] strides, int[] newShape) {
        int numel = Shapes.numel(shape);
        int[] out = new int[newShape.length];
        if (numel == 0 || shape.length == 0) {
            return Shapes.contiguousStrides(newShape);
        }
        int viewD = newShape.length - 1;
        long chunkBaseStride = shape.length > 0 ? strides[shape.length - 1] : 1;
        long tensorNumel = 1;
        long viewNumel = 1;
        for (int tensorD = shape.length - 1; tensorD >= 0; tensorD--) {
            tensorNumel *= shape[tensorD];
            if (tensorD == 0 || (shape[tensorD - 1] != 1 && strides[tensorD - 1] != tensorNumel * chunkBaseStride)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    out[viewD] = (int) (viewNumel * chunkBaseStride);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) {
                    return null;
                }
                if (tensorD > 0) {
                    chunkBaseStride = strides[tensorD - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? out : null;
    }

    static Tensor permute(Tensor t, int[] dims) {
        int r = t.dim();
        if (dims.length != r) {
            throw new ShapeMismatchException("permute: " + dims.length + " dims given for a tensor of rank " + r);
        }
        int[] shape = t.shape();
        int[] strides = t.strides();
        int[] ns = new int[r];
        int[] nst = new int[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            int d = Shapes.normalizeDim("permute", dims[i], r);
            if (seen[d]) {
                throw new TensorException("permute: dimension " + d + " repeated in " + Arrays.toString(dims));
            }
            seen[d] = true;
            ns[i] = shape[d];
            nst[i] = strides[d];
        }
        return new Tensor(t.storage(), ns, nst, t.offset());
    }

    static Tensor slice(Tensor t, int dim, int start, int end, int step) {
        int d = Shapes.normalizeDim("slice", dim, t.dim());
        if (step <= 0) {
            throw new TensorException("slice: step must be positive, got " + step);
        }
        int[] shape = t.shape();
        int[] strides = t.strides();
        int n = shape[d];
        int s = clampIndex(start, n);
        int e = clampIndex(end, n);
        int len = e > s ? (e - s + step - 1) / step : 0;
        int off = t.offset() + (len > 0 ? s * strides[d] : 0);
        shape[d] = len;
        strides[d] = strides[d] * step;
        return new Tensor(t.storage(), shape, strides, off);
    }

    private static int clampIndex(int i, int n) {
        if (i < 0) {
            i += n;
        }
        return Math.max(0, Math.min(n, i));
    }

    static Tensor select(Tensor t, int dim, int index) {
        int d = Shapes.normalizeDim("select", dim, t.dim());
        int[] shape = t.shape();
        int[] strides = t.strides();
        int i = index < 0 ? index + shape[d] : index;
        if (i < 0 || i >= shape[d]) {
            throw new IndexOutOfRangeException("select: index " + index + " out of range for dimension " + d + " of size "
                    + shape[d]);
        }
        return new Tensor(t.storage(), remove(shape, d), remove(strides, d), t.offset() + i * strides[d]);
    }

    static int[] remove(int[] a, int i) {
        int[] out = new int[a.length - 1];
        System.arraycopy(a, 0, out, 0, i);
        System.arraycopy(a, i + 1, out, i, a.length - i - 1);
        return out;
    }

    static int[] insert(int[] a, int i, int v) {
        int[] out = new int[a.length + 1];
        System.arraycopy(a, 0, out, 0, i);
        out[i] = v;
        System.arraycopy(a, i, out, i + 1, a.length - i);
        return out;
    }

    static Tensor expand(Tensor t, int[] newShape) {
        int[] shape = t.shape();
        int[] strides = t.strides();
        int r = newShape.length;
        if (r < shape.length) {
            throw new ShapeMismatchException("expand: cannot expand shape " + Shapes.str(shape) + " to fewer dims "
                    + Arrays.toString(newShape));
        }
        int[] ns = new int[r];
        int[] nst = new int[r];
        int lead = r - shape.length;
        for (int i = 0; i < r; i++) {
            int want = newShape[i];
            if (i < lead) {
                if (want < 0) {
                    throw new ShapeMismatchException("expand: -1 not allowed for new leading dimension " + i + " in "
                            + Arrays.toString(newShape));
                }
                ns[i] = want;
                nst[i] = 0;
                continue;
            }
            int have = shape[i - lead];
            if (want == -1 || want == have) {
                ns[i] = have;
                nst[i] = strides[i - lead];
            } else if (have == 1) {
                ns[i] = want;
                nst[i] = 0;
            } else {
                throw new ShapeMismatchException("expand: the size " + have + " of dimension " + (i - lead) + " of shape "
                        + Shapes.str(shape) + " cannot be expanded to " + want + " (target " + Arrays.toString(newShape) + ")");
            }
        }
        if (Arrays.equals(ns, shape) && Arrays.equals(nst, strides)) {
            return t;
        }
        return new Tensor(t.storage(), ns, nst, t.offset());
    }

    static Tensor squeeze(Tensor t) {
        int[] shape = t.shape();
        int[] strides = t.strides();
        int n = 0;
        for (int s : shape) {
            if (s != 1) {
                n++;
            }
        }
        int[] ns = new int[n];
        int[] nst = new int[n];
        int j = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                ns[j] = shape[i];
                nst[j++] = strides[i];
            }
        }
        return new Tensor(t.storage(), ns, nst, t.offset());
    }

    static Tensor squeeze(Tensor t, int dim) {
        if (t.dim() == 0) {
            Shapes.normalizeDim("squeeze", dim, 0);
            return t;
        }
        int d = Shapes.normalizeDim("squeeze", dim, t.dim());
        if (t.size(d) != 1) {
            return t;
        }
        return new Tensor(t.storage(), remove(t.shape(), d), remove(t.strides(), d), t.offset());
    }

    static Tensor unsqueeze(Tensor t, int dim) {
        int d = Shapes.normalizeDim("unsqueeze", dim, t.dim() + 1);
        int[] strides = t.strides();
        int[] shape = t.shape();
        int st = d < shape.length ? strides[d] * shape[d] : 1;
        return new Tensor(t.storage(), insert(shape, d, 1), insert(strides, d, st), t.offset());
    }

    static Tensor flatten(Tensor t, int startDim, int endDim) {
        if (t.dim() == 0) {
            return t.reshape(1);
        }
        int s = Shapes.normalizeDim("flatten", startDim, t.dim());
        int e = Shapes.normalizeDim("flatten", endDim, t.dim());
        if (s > e) {
            throw new TensorException("flatten: start dim " + startDim + " comes after end dim " + endDim);
        }
        int[] shape = t.shape();
        int[] ns = new int[shape.length - (e - s)];
        for (int i = 0; i < s; i++) {
            ns[i] = shape[i];
        }
        ns[s] = 1;
        for (int i = s; i <= e; i++) {
            ns[s] *= shape[i];
        }
        for (int i = e + 1; i < shape.length; i++) {
            ns[i - (e - s)] = shape[i];
        }
        return t.reshape(ns);
    }
}
