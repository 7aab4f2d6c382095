package org.cassl.kernels.ops;

import org.cassl.kernels.runtime.KernelArgs;
import org.cassl.kernels.runtime.LaunchConfig;
import org.cassl.kernels.runtime.StructPacker;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Tensor;

/**
 * 2-D convolution and both backward passes as im2col + batched GEMM (im2col.cu, {@link CudaGemm}).
 * Images are processed in chunks whose column buffer stays under {@code cassl.cuda.convWorkspaceMB}
 * (default 256 MiB); all (image, group) products of a chunk are one GEMM launch. 1x1 convolutions
 * with stride 1 and no padding use the input directly as the column matrix.
 *
 * <p>Shapes: x [N,C,H,W], w [K,C/g,kh,kw], out [N,K,OH,OW]; per group the product is
 * W_g [K/g, C/g*kh*kw] x col_g [C/g*kh*kw, OH*OW].
 */
public final class CudaConv {
    private static final String M = "im2col";
    private final CudaOpContext ctx;
    private final CudaGemm gemm;
    private final long workspaceBytes = Long.getLong("cassl.cuda.convWorkspaceMB", 256L) << 20;

    public CudaConv(CudaOpContext ctx, CudaGemm gemm) {
        this.ctx = ctx;
        this.gemm = gemm;
    }

    /** Sizes of one convolution problem. */
    private static final class Geom {
        final int n, c, h, w, k, kh, kw, oh, ow, g, cg, kg, ckk, p;
        final Conv2dParams cp;
        final boolean pointwise;

        Geom(int[] x, int[] wt, int oh, int ow, Conv2dParams cp) {
            n = x[0];
            c = x[1];
            h = x[2];
            w = x[3];
            k = wt[0];
            kh = wt[2];
            kw = wt[3];
            this.oh = oh;
            this.ow = ow;
            this.cp = cp;
            g = cp.groups();
            cg = c / g;
            kg = k / g;
            ckk = cg * kh * kw;
            p = oh * ow;
            pointwise = kh == 1 && kw == 1 && cp.strideH() == 1 && cp.strideW() == 1 && cp.padH() == 0 && cp.padW() == 0;
        }

        byte[] pack() {
            return new StructPacker().i32s(c, h, w, kh, kw, oh, ow, cp.strideH(), cp.strideW(), cp.padH(), cp.padW(),
                    cp.dilationH(), cp.dilationW()).toBytes();
        }

        long colElemsPerImage() {
            return (long) c * kh * kw * p;
        }
    }

    private int chunk(Geom q, int es) {
        long per = Math.max(1, q.colElemsPerImage() * es);
        return (int) Math.max(1, Math.min(Math.min(q.n, 65535), workspaceBytes / per));
    }

    public void forward(Tensor x, Tensor w, Tensor bias, Conv2dParams cp, Tensor out) {
        Geom q = new Geom(x.shape(), w.shape(), out.size(2), out.size(3), cp);
        if (out.numel() == 0) {
            return;
        }
        String sfx = CudaOpContext.typeSuffix(x.dtype());
        int es = x.dtype().byteSize();
        try (CudaOpContext.Dense xd = ctx.dense(x); CudaOpContext.Dense wd = ctx.dense(w); CudaOpContext.Dense od = ctx.dense(out)) {
            long xa = xd.address();
            long oa = od.address();
            GemmCall.Operand a = new GemmCall.Operand(wd.address(), 0, q.kg * q.ckk, q.ckk, 1);
            if (q.pointwise) {
                GemmCall.Operand b = new GemmCall.Operand(xa, q.c * q.h * q.w, q.cg * q.h * q.w, q.h * q.w, 1);
                GemmCall.Operand c = new GemmCall.Operand(oa, q.k * q.p, q.kg * q.p, q.p, 1);
                gemm.run(new GemmCall(q.kg, q.p, q.ckk, q.n * q.g, q.g, a, b, c, false, x.dtype()));
            } else {
                int nb = chunk(q, es);
                try (CudaOpContext.Scratch col = ctx.scratch(nb * q.colElemsPerImage() * es)) {
                    for (int n0 = 0; n0 < q.n; n0 += nb) {
                        int cnt = Math.min(nb, q.n - n0);
                        im2col(sfx, q, xa + (long) n0 * q.c * q.h * q.w * es, col.address(), cnt);
                        GemmCall.Operand b = new GemmCall.Operand(col.address(), (int) q.colElemsPerImage(), q.ckk * q.p,
                                q.p, 1);
                        GemmCall.Operand c = new GemmCall.Operand(oa + (long) n0 * q.k * q.p * es, q.k * q.p, q.kg * q.p,
                                q.p, 1);
                        gemm.run(new GemmCall(q.kg, q.p, q.ckk, cnt * q.g, q.g, a, b, c, false, x.dtype()));
                    }
                }
            }
            if (bias != null) {
                try (CudaOpContext.Dense bd = ctx.dense(bias)) {
                    ctx.launchN(M, "add_bias_" + sfx, out.numel(), KernelArgs.of().ptr(oa).ptr(bd.address())
                            .i32(q.n).i32(q.k).i32(q.p));
                }
            }
            if (od.tensor() != out) {
                kitCopy(od.tensor(), out);
            }
        }
    }

    public void backwardInput(Tensor gradOut, Tensor w, Conv2dParams cp, Tensor gradIn) {
        Geom q = new Geom(gradIn.shape(), w.shape(), gradOut.size(2), gradOut.size(3), cp);
        if (gradIn.numel() == 0) {
            return;
        }
        String sfx = CudaOpContext.typeSuffix(gradIn.dtype());
        int es = gradIn.dtype().byteSize();
        try (CudaOpContext.Dense gd = ctx.dense(gradOut); CudaOpContext.Dense wd = ctx.dense(w); CudaOpContext.Dense id = ctx.dense(gradIn)) {
            long ga = gd.address();
            long ia = id.address();
            // A = W_g^T [ckk, kg]: element (m, k) = w[g][k][m]
            GemmCall.Operand a = new GemmCall.Operand(wd.address(), 0, q.kg * q.ckk, 1, q.ckk);
            if (gradOut.numel() == 0) {
                ctx.runtime().memset8(ia, 0, (long) gradIn.numel() * es);
            } else if (q.pointwise) {
                GemmCall.Operand b = new GemmCall.Operand(ga, q.k * q.p, q.kg * q.p, q.p, 1);
                GemmCall.Operand c = new GemmCall.Operand(ia, q.c * q.h * q.w, q.cg * q.h * q.w, q.h * q.w, 1);
                gemm.run(new GemmCall(q.ckk, q.p, q.kg, q.n * q.g, q.g, a, b, c, false, gradIn.dtype()));
            } else {
                int nb = chunk(q, es);
                try (CudaOpContext.Scratch col = ctx.scratch(nb * q.colElemsPerImage() * es)) {
                    for (int n0 = 0; n0 < q.n; n0 += nb) {
                        int cnt = Math.min(nb, q.n - n0);
                        GemmCall.Operand b = new GemmCall.Operand(ga + (long) n0 * q.k * q.p * es, q.k * q.p, q.kg * q.p,
                                q.p, 1);
                        GemmCall.Operand c = new GemmCall.Operand(col.address(), (int) q.colElemsPerImage(), q.ckk * q.p,
                                q.p, 1);
                        gemm.run(new GemmCall(q.ckk, q.p, q.kg, cnt * q.g, q.g, a, b, c, false, gradIn.dtype()));
                        int hw = q.c * q.h * q.w;
                        ctx.launch(M, "col2im_" + sfx, LaunchConfig.of(gridFor(hw), cnt, 1, CudaOpContext.BLOCK), KernelArgs.of()
                                .ptr(col.address()).ptr(ia + (long) n0 * hw * es).bytes(q.pack()));
                    }
                }
            }
            if (id.tensor() != gradIn) {
                kitCopy(id.tensor(), gradIn);
            }
        }
    }

    public void backwardWeight(Tensor gradOut, Tensor x, Conv2dParams cp, Tensor gradW) {
        Geom q = new Geom(x.shape(), gradW.shape(), gradOut.size(2), gradOut.size(3), cp);
        if (gradW.numel() == 0) {
            return;
        }
        String sfx = CudaOpContext.typeSuffix(x.dtype());
        int es = x.dtype().byteSize();
        try (CudaOpContext.Dense gd = ctx.dense(gradOut); CudaOpContext.Dense xd = ctx.dense(x); CudaOpContext.Dense wd = ctx.dense(gradW)) {
            long ga = gd.address();
            long wa = wd.address();
            // C = gradW_g [kg, ckk]; one GEMM per image over the groups, accumulating after the first
            GemmCall.Operand c = new GemmCall.Operand(wa, 0, q.kg * q.ckk, q.ckk, 1);
            if (q.n == 0 || q.p == 0) {
                ctx.runtime().memset8(wa, 0, (long) gradW.numel() * es);
            } else {
                int nb = q.pointwise ? q.n : chunk(q, es);
                try (CudaOpContext.Scratch col = ctx.scratch(q.pointwise ? 8 : nb * q.colElemsPerImage() * es)) {
                    for (int n0 = 0; n0 < q.n; n0 += nb) {
                        int cnt = Math.min(nb, q.n - n0);
                        long colBase;
                        int colImage;
                        if (q.pointwise) {
                            colBase = xd.address();
                            colImage = q.c * q.h * q.w;
                        } else {
                            im2col(sfx, q, xd.address() + (long) n0 * q.c * q.h * q.w * es, col.address(), cnt);
                            colBase = col.address();
                            colImage = (int) q.colElemsPerImage();
                        }
                        for (int j = 0; j < cnt; j++) {
                            int n = n0 + j;
                            long colJ = colBase + (long) (q.pointwise ? n : j) * colImage * es;
                            // A = gradOut[n]_g [kg, P]; B = col_g^T [P, ckk]: element (p, m) = col[g][m][p]
                            GemmCall.Operand a = new GemmCall.Operand(ga + (long) n * q.k * q.p * es, 0, q.kg * q.p, q.p, 1);
                            GemmCall.Operand b = new GemmCall.Operand(colJ, 0, q.ckk * q.p, 1, q.p);
                            gemm.run(new GemmCall(q.kg, q.ckk, q.p, q.g, q.g, a, b, c, n > 0, x.dtype()));
                        }
                    }
                }
            }
            if (wd.tensor() != gradW) {
                kitCopy(wd.tensor(), gradW);
            }
        }
    }

    private void im2col(String sfx, Geom q, long x, long col, int images) {
        ctx.launch(M, "im2col_" + sfx, LaunchConfig.of(gridFor(q.c * q.p), images, 1, CudaOpContext.BLOCK),
                KernelArgs.of().ptr(x).ptr(col).bytes(q.pack()));
    }

    private int gridFor(long n) {
        return (int) Math.max(1, Math.min((n + CudaOpContext.BLOCK - 1) / CudaOpContext.BLOCK, ctx.maxBlocks()));
    }

    private void kitCopy(Tensor src, Tensor dst) {
        ctx.copyBack(src, dst);
    }
}
