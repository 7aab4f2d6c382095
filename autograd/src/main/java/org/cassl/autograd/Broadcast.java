package org.cassl.autograd;

import java.util.Arrays;
import org.cassl.tensor.Tensor;

/** Reduces a broadcast gradient back to an operand's shape. */
final class Broadcast {
    private Broadcast() {
    }

    /** Sums {@code g} over the dims that broadcasting expanded so that it has {@code shape}. */
    static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) {
            return g;
        }
        int lead = gs.length - shape.length;
        int n = 0;
        int[] dims = new int[gs.length];
        for (int i = 0; i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) {
                dims[n++] = i;
            }
        }
        Tensor r = n == 0 ? g : g.sum(Arrays.copyOf(dims, n), true);
        return r.reshape(shape);
    }
}
