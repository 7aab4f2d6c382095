package org.cassl.autograd;

import org.cassl.tensor.Tensor;

/** Views and shape changes: reshape, permute, transpose, slicing, expand, squeeze, cat/stack. */
public final class Shaping {
    private Shaping() {
    }

    /** reshape. Saves: the input shape. */
    public static Variable reshape(Variable a, int... shape) {
        int[] in = a.shape();
        return Tape.record("reshape", a.data().reshape(shape), (g, needs) -> new Tensor[] {g.reshape(in)}, a);
    }

    /** permute. Saves: the permutation. */
    public static Variable permute(Variable a, int... dims) {
        int r = a.dim();
        int[] inv = new int[r];
        for (int i = 0; i < r; i++) {
            inv[org.cassl.tensor.Shapes.normalizeDim("permute", dims[i], r)] = i;
        }
        return Tape.record("permute", a.data().permute(dims), (g, needs) -> new Tensor[] {g.permute(inv)}, a);
    }

    /** transpose. Saves: the two dims. */
    public static Variable transpose(Variable a, int d0, int d1) {
        return Tape.record("transpose", a.data().transpose(d0, d1), (g, needs) -> new Tensor[] {g.transpose(d0, d1)}, a);
    }
}
