package org.cassl.autograd;

import org.cassl.tensor.Tensor;

/** Matrix products. */
public final class Linalg {
    private Linalg() {
    }

    /**
     * torch.matmul: vector, matrix and batched products with batch broadcasting. Vectors are
     * promoted to matrices (and the extra dim removed again) so one rule covers every case; the
     * gradients of broadcast batch dims are summed back to each operand's shape.
     * Saves: a and b.
     */
    public static Variable matmul(Variable a, Variable b) {
        Tensor x = a.data();
        Tensor y = b.data();
        if (x.dim() < 2 || y.dim() < 2) {
            if (x.dim() == 0 || y.dim() == 0) {
                x.matmul(y); // the tensor layer reports the rank error
            }
            Variable a2 = x.dim() == 1 ? Shaping.unsqueeze(a, 0) : a;
            Variable b2 = y.dim() == 1 ? Shaping.unsqueeze(b, 1) : b;
            Variable r = matmul(a2, b2);
            int[] s = r.shape();
            // drop the dims the promotion added: M (second to last) for a vector a, N (last) for a vector b
            int drop = (x.dim() == 1 ? 1 : 0) + (y.dim() == 1 ? 1 : 0);
            int[] out = new int[s.length - drop];
            int j = 0;
            for (int i = 0; i < s.length; i++) {
                boolean isM = i == s.length - 2 && x.dim() == 1;
                boolean isN = i == s.length - 1 && y.dim() == 1;
                if (!isM && !isN) {
                    out[j++] = s[i];
                }
            }
            return Shaping.reshape(r, out);
        }
        return Tape.record("matmul", x.matmul(y), (g, needs) -> {
            if (g.numel() == 0 || x.numel() == 0 || y.numel() == 0) {
                // an empty operand or result: every gradient is a (possibly empty) zero tensor
                return new Tensor[] {needs[0] ? x.zerosLike() : null, needs[1] ? y.zerosLike() : null};
            }
            return new Tensor[] {
                needs[0] ? Broadcast.sumTo(g.matmul(y.transpose(-1, -2)), x.shape()) : null,
                needs[1] ? Broadcast.sumTo(x.transpose(-1, -2).matmul(g), y.shape()) : null};
        }, a, b);
    }

    /** Batched product {@code [B,M,K] x [B,K,N] -> [B,M,N]} (no broadcasting). Saves: a and b. */
    public static Variable bmm(Variable a, Variable b) {
        Tensor x = a.data();
        Tensor y = b.data();
        return Tape.record("bmm", x.bmm(y), (g, needs) -> new Tensor[] {
            needs[0] ? g.bmm(y.transpose(1, 2)) : null,
            needs[1] ? x.transpose(1, 2).bmm(g) : null}, a, b);
    }
}
