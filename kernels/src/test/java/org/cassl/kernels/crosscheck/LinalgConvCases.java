package org.cassl.kernels.crosscheck;

import java.util.ArrayList;
import java.util.List;
import org.cassl.kernels.CudaBackend;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.DType;


/** matmul (exact and TF32) and conv2d forward and both backward passes. */
final class LinalgConvCases {
    private LinalgConvCases() {
    }

    static final int[][] MNK = {{1, 1, 1}, {7, 5, 3}, {64, 64, 64}, {129, 257, 65}, {300, 200, 513}, {1, 1000, 70},
        {513, 1, 129}};

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            out.add(new Case("linalg", "matmul " + t + " shapes and layouts", c -> {
                for (int[] s : MNK) {
                    for (int layout = 0; layout < 4; layout++) {
                        matmul(c, t, s[0], s[1], s[2], layout, 3, false);
                    }
                }
                matmul(c, t, 40, 30, 0, 0, 2, false);
                matmul(c, t, 0, 30, 10, 0, 2, false);
            }));
        }
        out.add(new Case("linalg", "matmul TF32 tensor cores", c -> {
            if (!(c.gpu instanceof CudaBackend) || ((CudaBackend) c.gpu).properties().sm() < 80) {
                throw new UnsupportedOperationException("TF32 needs sm_80");
            }
            CudaBackend g = (CudaBackend) c.gpu;
            g.setAllowTf32(true);
            try {
                for (int[] s : MNK) {
                    for (int layout = 0; layout < 4; layout++) {
                        matmul(c, DType.F32, s[0], s[1], s[2], layout, 2, true);
                    }
                }
            } finally {
                g.setAllowTf32(false);
            }
        }));
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            out.add(new Case("conv", "conv2d " + t + " forward and backward", c -> {
                // N, C, H, W, K, kh, kw, stride, pad, dilation, groups
                int[][] cfgs = {
                    {2, 3, 11, 13, 4, 3, 3, 1, 1, 1, 1},
                    {1, 4, 9, 7, 6, 3, 3, 2, 1, 1, 2},
                    {2, 8, 6, 6, 8, 1, 1, 1, 0, 1, 1},
                    {1, 2, 10, 10, 4, 5, 3, 1, 2, 2, 1},
                    {2, 4, 8, 8, 4, 3, 3, 1, 1, 1, 4},
                    {1, 32, 25, 42, 32, 3, 3, 1, 1, 1, 1},
                    {3, 5, 7, 9, 2, 1, 1, 2, 0, 1, 1},
                };
                for (int[] q : cfgs) {
                    conv(c, t, q);
                }
            }));
        }
        return out;
    }

    /** layout bit 0: A given transposed; bit 1: B given transposed. {@code batch} 3 broadcasts B's batch. */
    static void matmul(Ctx c, DType t, int m, int n, int k, int layout, int batch, boolean tf32) {
        boolean at = (layout & 1) != 0;
        boolean bt = (layout & 2) != 0;
        Ctx.Pair a = c.pair(c.random(t, at ? new int[] {batch, k, m} : new int[] {batch, m, k}),
                v -> at ? v.transpose(1, 2) : v);
        Ctx.Pair b = c.pair(c.random(t, bt ? new int[] {1, n, k} : new int[] {1, k, n}),
                v -> (bt ? v.transpose(1, 2) : v).expand(batch, k, n));
        Ctx.Pair y = c.zeros(t, batch, m, n);
        c.cpu.matmul(a.cpu(), b.cpu(), y.cpu());
        c.gpu.matmul(a.gpu(), b.gpu(), y.gpu());
        // |a| ~ 2, so each product ~ 4; rounding grows with the inner dimension
        double atol = tf32 ? 4e-3 * Math.sqrt(k + 1) * 4 : t == DType.F32 ? 2e-6 * (k + 1) * 4 : 1e-13 * (k + 1);
        c.close("matmul " + t + (tf32 ? " tf32" : "") + " M=" + m + " N=" + n + " K=" + k + " layout " + layout, y.cpu(),
                y.gpu(), tf32 ? 1e-2 : 1e-5, atol);
    }

    static void conv(Ctx c, DType t, int[] q) {
        int n = q[0];
        int ch = q[1];
        int h = q[2];
        int w = q[3];
        int k = q[4];
        Conv2dParams p = new Conv2dParams(q[7], q[7], q[8], q[8], q[9], q[9], q[10]);
        int oh = p.outH(h, q[5]);
        int ow = p.outW(w, q[6]);
        String what = "conv " + t + " " + java.util.Arrays.toString(q);
        Ctx.Pair x = c.pair(c.random(t, n, ch, h, w));
        Ctx.Pair wt = c.pair(c.random(t, k, ch / q[10], q[5], q[6]));
        Ctx.Pair bias = c.pair(c.random(t, k));
        Ctx.Pair y = c.zeros(t, n, k, oh, ow);
        c.cpu.conv2d(x.cpu(), wt.cpu(), bias.cpu(), p, y.cpu());
        c.gpu.conv2d(x.gpu(), wt.gpu(), bias.gpu(), p, y.gpu());
        int red = ch / q[10] * q[5] * q[6];
        double rtol = t == DType.F32 ? 1e-5 : 1e-12;
        double atol = t == DType.F32 ? 2e-6 * red * 4 : 1e-12 * red;
        c.close(what + " forward", y.cpu(), y.gpu(), rtol, atol);
        Ctx.Pair gy = c.pair(c.random(t, n, k, oh, ow));
        Ctx.Pair gx = c.zeros(t, n, ch, h, w);
        c.cpu.conv2dBackwardInput(gy.cpu(), wt.cpu(), p, gx.cpu());
        c.gpu.conv2dBackwardInput(gy.gpu(), wt.gpu(), p, gx.gpu());
        c.close(what + " grad input", gx.cpu(), gx.gpu(), rtol, t == DType.F32 ? 2e-6 * k * q[5] * q[6] * 4 : 1e-12 * k * 9);
        Ctx.Pair gw = c.zeros(t, k, ch / q[10], q[5], q[6]);
        c.cpu.conv2dBackwardWeight(gy.cpu(), x.cpu(), p, gw.cpu());
        c.gpu.conv2dBackwardWeight(gy.gpu(), x.gpu(), p, gw.gpu());
        c.close(what + " grad weight", gw.cpu(), gw.gpu(), rtol, t == DType.F32 ? 2e-6 * n * oh * ow * 4 : 1e-12 * n * oh * ow);
        Ctx.Pair ys = c.zeros(t, n, k, oh, ow);
        Ctx.Pair xs = c.pair(c.random(t, n, h, w, ch), v -> v.permute(0, 3, 1, 2));  // channels-last input view
        c.cpu.conv2d(xs.cpu(), wt.cpu(), null, p, ys.cpu());
        c.gpu.conv2d(xs.gpu(), wt.gpu(), null, p, ys.gpu());
        c.close(what + " strided input, no bias", ys.cpu(), ys.gpu(), rtol, atol);
    }

}
