package org.cassl.tensor;

import java.util.ArrayList;
import java.util.List;

/** cat, stack, split, chunk. */
final class Joining {
    private Joining() {
    }

    static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors == null || tensors.isEmpty()) {
            throw new TensorException("cat: expected a non-empty list of tensors");
        }
        // PyTorch skips legacy empty 1-D tensors of shape [0]
        List<Tensor> ts = new ArrayList<>();
        for (Tensor t : tensors) {
            Ops.checkNotNull("cat", t);
            if (!(t.dim() == 1 && t.size(0) == 0)) {
                ts.add(t);
            }
        }
        Tensor first = tensors.get(0);
        if (ts.isEmpty()) {
            DType dt = first.dtype();
            for (Tensor t : tensors) {
                dt = DType.promote(dt, t.dtype());
            }
            return Tensor.zeros(dt, first.device(), 0);
        }
        Tensor ref = ts.get(0);
        if (ref.dim() == 0) {
            throw new ShapeMismatchException("cat: zero-dimensional tensors cannot be concatenated");
        }
        int d = Shapes.normalizeDim("cat", dim, ref.dim());
        int[] shape = ref.shape();
        int total = 0;
        DType dt = ref.dtype();
        for (int i = 0; i < ts.size(); i++) {
            Tensor t = ts.get(i);
            Ops.checkSameDevice("cat", ref, t);
            if (t.dim() != ref.dim()) {
                throw new ShapeMismatchException("cat: tensor " + i + " has rank " + t.dim() + " but tensor 0 has rank "
                        + ref.dim() + " (shapes " + Shapes.str(t.shape()) + " and " + Shapes.str(shape) + ")");
            }
            for (int k = 0; k < shape.length; k++) {
                if (k != d && t.size(k) != shape[k]) {
                    throw new ShapeMismatchException("cat: sizes must match except in dimension " + d + "; tensor " + i
                            + " has shape " + Shapes.str(t.shape()) + ", expected " + Shapes.str(shape)
                            + " outside that dimension");
                }
            }
            total += t.size(d);
            dt = DType.promote(dt, t.dtype());
        }
        shape[d] = total;
        Tensor out = Tensor.zeros(dt, ref.device(), shape);
        int pos = 0;
        for (Tensor t : ts) {
            int n = t.size(d);
            if (n > 0) {
                out.backend().copy(t, out.narrow(d, pos, n));
            }
            pos += n;
        }
        return out;
    }

    static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors == null || tensors.isEmpty()) {
            throw new TensorException("stack: expected a non-empty list of tensors");
        }
        int[] shape = tensors.get(0).shape();
        int d = Shapes.normalizeDim("stack", dim, shape.length + 1);
        List<Tensor> us = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            Ops.checkNotNull("stack", t);
            if (!java.util.Arrays.equals(t.shape(), shape)) {
                throw new ShapeMismatchException("stack: all tensors must have the same shape; tensor " + i + " has "
                        + Shapes.str(t.shape()) + ", tensor 0 has " + Shapes.str(shape));
            }
            us.add(t.unsqueeze(d));
        }
        return cat(us, d);
    }

    static List<Tensor> split(Tensor t, int size, int dim) {
        int d = Shapes.normalizeDim("split", dim, t.dim());
        if (size <= 0) {
            throw new TensorException("split: size must be positive, got " + size);
        }
        int n = t.size(d);
        List<Tensor> out = new ArrayList<>();
        for (int s = 0; s < n; s += size) {
            out.add(t.narrow(d, s, Math.min(size, n - s)));
        }
        if (n == 0) {
            out.add(t);
        }
        return out;
    }

    static List<Tensor> split(Tensor t, int[] sizes, int dim) {
        int d = Shapes.normalizeDim("split", dim, t.dim());
        int sum = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new TensorException("split: sizes must be non-negative, got " + java.util.Arrays.toString(sizes));
            }
            sum += s;
        }
        if (sum != t.size(d)) {
            throw new ShapeMismatchException("split: sizes " + java.util.Arrays.toString(sizes) + " sum to " + sum
                    + " but dimension " + d + " has size " + t.size(d));
        }
        List<Tensor> out = new ArrayList<>();
        int pos = 0;
        for (int s : sizes) {
            out.add(t.narrow(d, pos, s));
            pos += s;
        }
        return out;
    }

    static List<Tensor> chunk(Tensor t, int chunks, int dim) {
        if (chunks <= 0) {
            throw new TensorException("chunk: number of chunks must be positive, got " + chunks);
        }
        int d = Shapes.normalizeDim("chunk", dim, t.dim());
        int n = t.size(d);
        int size = (n + chunks - 1) / chunks;
        return split(t, Math.max(size, 1), d);
    }
}
