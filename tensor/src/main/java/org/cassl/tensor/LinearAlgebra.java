package org.cassl.tensor;

/** {@code matmul}/{@code bmm} with torch.matmul's rank rules and batch broadcasting. */
public final class LinearAlgebra {
    private LinearAlgebra() {
    }

    static Tensor bmm(Tensor a, Tensor b) {
        Ops.checkNotNull("bmm", a, b);
        if (a.dim() != 3 || b.dim() != 3) {
            throw new ShapeMismatchException("bmm: expected rank-3 tensors, got " + Shapes.str(a.shape()) + " and "
                    + Shapes.str(b.shape()));
        }
        if (a.size(0) != b.size(0) || a.size(2) != b.size(1)) {
            throw new ShapeMismatchException("bmm: shapes " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape())
                    + " cannot be multiplied (expected [B,M,K] x [B,K,N])");
        }
        return product(a, b);
    }

    private static Tensor product(Tensor a, Tensor b) {
        Ops.checkSameDevice("matmul", a, b);
        DType t = DType.promote(a.dtype(), b.dtype());
        if (!t.isFloatingPoint()) {
            throw new DTypeMismatchException("matmul: expected floating point operands, got " + a.dtype() + " and "
                    + b.dtype());
        }
        Tensor out = Tensor.zeros(t, a.device(), a.size(0), a.size(1), b.size(2));
        a.backend().matmul(a.to(t), b.to(t), out);
        return out;
    }

    static Tensor matmul(Tensor a, Tensor b) {
        Ops.checkNotNull("matmul", a, b);
        int ra = a.dim();
        int rb = b.dim();
        if (ra == 0 || rb == 0) {
            throw new ShapeMismatchException("matmul: both arguments need at least 1 dimension, got "
                    + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape()));
        }
        int k = a.size(-1);
        int kb = rb == 1 ? b.size(0) : b.size(-2);
        if (k != kb) {
            throw new ShapeMismatchException("matmul: shapes " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape())
                    + " cannot be multiplied (" + k + " != " + kb + ")");
        }
        if (ra == 1 && rb == 1) {
            return product(a.reshape(1, 1, k), b.reshape(1, k, 1)).reshape();
        }
        if (rb <= 2) {
            // fold all of a's leading dims into M: one big GEMM
            Tensor bm = rb == 1 ? b.unsqueeze(1) : b;
            int[] lead = java.util.Arrays.copyOf(a.shape(), Math.max(ra - 1, 0));
            // explicit row count: -1 cannot be inferred when k == 0
            Tensor a2 = (ra == 1 ? a.unsqueeze(0) : a).reshape(1, ra == 1 ? 1 : Shapes.numel(lead), k);
            Tensor r = product(a2, bm.unsqueeze(0));
            int n = bm.size(1);
            int[] outShape = ra == 1 ? new int[] {n} : append(lead, n);
            if (rb == 1) {
                outShape = ra == 1 ? new int[0] : lead;
            }
            return r.reshape(outShape);
        }
        Tensor am = ra == 1 ? a.unsqueeze(0) : a;
        Tensor bm = b;
        int m = am.size(-2);
        int n = bm.size(-1);
        int[] batchA = java.util.Arrays.copyOf(am.shape(), am.dim() - 2);
        int[] batchB = java.util.Arrays.copyOf(bm.shape(), bm.dim() - 2);
        int[] batch = Shapes.broadcast("matmul", batchA, batchB);
        int nb = Shapes.numel(batch);
        Tensor a3 = am.expand(append(batch, m, k)).reshape(nb, m, k);
        Tensor b3 = bm.expand(append(batch, k, n)).reshape(nb, k, n);
        Tensor r = product(a3, b3);
        int[] outShape = ra == 1 ? append(batch, n) : append(batch, m, n);
        return r.reshape(outShape);
    }

    private static int[] append(int[] a, int... tail) {
        int[] r = java.util.Arrays.copyOf(a, a.length + tail.length);
        System.arraycopy(tail, 0, r, a.length, tail.length);
        return r;
    }
}
