package org.cassl.autograd;

import org.cassl.tensor.Tensor;

/** Matrix products. */
public final class Linalg {
    private Linalg() {
    }

    /** torch.matmul for operands of rank >= 2 (and vectors). Saves: a and b. */
    public static Variable matmul(Variable a, Variable b) {
        Tensor x = a.data();
        Tensor y = b.data();
        if (x.dim() < 2 || y.dim() < 2) {
            // vectors: promote to matrices so one rule covers every case
            Variable a2 = x.dim() == 1 ? Shaping.reshape(a, 1, x.size(0)) : a;
            Variable b2 = y.dim() == 1 ? Shaping.reshape(b, y.size(0), 1) : b;
            Variable r = matmul(a2, b2);
            int[] s = x.matmul(y).shape();
            return Shaping.reshape(r, s);
        }
        return Tape.record("matmul", x.matmul(y), (g, needs) -> new Tensor[] {
            needs[0] ? Broadcast.sumTo(g.matmul(y.transpose(-1, -2)), x.shape()) : null,
            needs[1] ? Broadcast.sumTo(x.transpose(-1, -2).matmul(g), y.shape()) : null}, a, b);
    }
}
