package org.cassl.detection.mask;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cassl.autograd.Functional;
import org.cassl.autograd.Variable;
import org.cassl.tensor.InterpolationMode;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.TensorException;

/**
 * AdelaiDet's {@code aligned_bilinear(t, f)}: upsampling by an integer factor that keeps pixel
 * centres aligned with the stride grid (a stride-8 map becomes a stride-4 map whose sample
 * {@code (i, j)} sits at the same image position as the stride-4 grid). Steps: replicate-pad one
 * column/row at the right/bottom; bilinear with {@code align_corners=True} to
 * {@code (f*h + 1, f*w + 1)}; replicate-pad {@code f/2} at the left/top; crop to {@code (f*h, f*w)}.
 * Replicate padding is built from edge slices and {@code cat}, so the whole op is differentiable
 * through existing tape ops.
 */
public final class AlignedBilinear {
    private AlignedBilinear() {
    }

    /** {@code [N, C, H, W] -> [N, C, f*H, f*W]}; {@code f == 1} returns the input. */
    public static Variable upsample(Variable x, int factor) {
        if (x.dim() != 4) {
            throw new ShapeMismatchException("aligned_bilinear: expected [N, C, H, W], got " + Arrays.toString(x.shape()));
        }
        if (factor < 1) {
            throw new TensorException("aligned_bilinear: factor must be >= 1, got " + factor);
        }
        if (factor == 1) {
            return x;
        }
        int h = x.size(2);
        int w = x.size(3);
        Variable t = padEnd(x, 3, 1);
        t = padEnd(t, 2, 1);
        int oh = factor * h + 1;
        int ow = factor * w + 1;
        t = Functional.interpolate(t, oh, ow, InterpolationMode.BILINEAR, true);
        t = padStart(t, 3, factor / 2);
        t = padStart(t, 2, factor / 2);
        return t.slice(2, 0, oh - 1).slice(3, 0, ow - 1);
    }

    /** Replicates the last slice along {@code dim} {@code n} times at the end. */
    static Variable padEnd(Variable x, int dim, int n) {
        if (n == 0) {
            return x;
        }
        int size = x.size(dim);
        List<Variable> parts = new ArrayList<>();
        parts.add(x);
        Variable edge = x.slice(dim, size - 1, size);
        for (int i = 0; i < n; i++) {
            parts.add(edge);
        }
        return Variable.cat(parts, dim);
    }

    /** Replicates the first slice along {@code dim} {@code n} times at the start. */
    static Variable padStart(Variable x, int dim, int n) {
        if (n == 0) {
            return x;
        }
        List<Variable> parts = new ArrayList<>();
        Variable edge = x.slice(dim, 0, 1);
        for (int i = 0; i < n; i++) {
            parts.add(edge);
        }
        parts.add(x);
        return Variable.cat(parts, dim);
    }
}
