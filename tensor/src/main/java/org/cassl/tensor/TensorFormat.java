package org.cassl.tensor;

/** Compact printing in PyTorch's style, eliding the middle of large tensors. */
final class TensorFormat {
    private static final int EDGE = 3;
    private static final int MAX_FULL = 1000;

    private TensorFormat() {
    }

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder("tensor(");
        int[] shape = t.shape();
        double[] v = t.numel() <= 100_000 ? t.toDoubleArray() : null;
        if (v == null) {
            sb.append("<").append(t.numel()).append(" elements>");
        } else {
            boolean summarize = v.length > MAX_FULL;
            append(sb, v, shape, 0, 0, Shapes.contiguousStrides(shape), t.dtype(), summarize);
        }
        sb.append(", shape=").append(Shapes.str(shape)).append(", dtype=").append(t.dtype().torchName());
        if (!t.device().isCpu()) {
            sb.append(", device=").append(t.device());
        }
        return sb.append(')').toString();
    }

    private static void append(StringBuilder sb, double[] v, int[] shape, int d, int off, int[] st, DType dt, boolean sum) {
        if (d == shape.length) {
            double x = v[off];
            if (dt == DType.BOOL) {
                sb.append(x != 0 ? "True" : "False");
            } else if (dt.isIntegral()) {
                sb.append((long) x);
            } else {
                sb.append(String.format(java.util.Locale.ROOT, "%.4f", x));
            }
            return;
        }
        sb.append('[');
        int n = shape[d];
        for (int i = 0; i < n; i++) {
            if (sum && n > 2 * EDGE && i == EDGE) {
                sb.append("..., ");
                i = n - EDGE - 1;
                continue;
            }
            append(sb, v, shape, d + 1, off + i * st[d], st, dt, sum);
            if (i < n - 1) {
                sb.append(", ");
            }
        }
        sb.append(']');
    }
}
