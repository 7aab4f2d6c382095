package org.cassl.kernels.ops;

import org.cassl.kernels.runtime.KernelArgs;
import org.cassl.kernels.runtime.LaunchConfig;
import org.cassl.tensor.Tensor;

/** Launchers of norm.cu: GroupNorm and BatchNorm, forward and backward, on [N,C,*] tensors. */
public final class CudaNorm {
    private static final String M = "norm";
    private final CudaOpContext ctx;

    public CudaNorm(CudaOpContext ctx) {
        this.ctx = ctx;
    }

    private static int hw(Tensor x) {
        return x.size(0) * x.size(1) == 0 ? 0 : x.numel() / (x.size(0) * x.size(1));
    }

    private LaunchConfig blocks(long items) {
        return LaunchConfig.of((int) Math.max(1, Math.min(items, ctx.maxBlocks())), CudaOpContext.BLOCK);
    }

    public void groupNorm(Tensor x, Tensor weight, Tensor bias, int groups, double eps, Tensor out, Tensor mean,
                          Tensor rstd) {
        CudaOpContext.requireFloat("group_norm", x);
        int n = x.size(0);
        int c = x.size(1);
        if (n * groups == 0) {
            return;
        }
        try (CudaOpContext.Dense xd = ctx.dense(x); CudaOpContext.Dense wd = ctx.denseOrNull(weight); CudaOpContext.Dense bd = ctx.denseOrNull(bias)) {
            ctx.launch(M, "group_norm_" + CudaOpContext.typeSuffix(x.dtype()), blocks((long) n * groups), KernelArgs.of()
                    .ptr(xd.address()).ptr(wd == null ? 0 : wd.address()).ptr(bd == null ? 0 : bd.address())
                    .i32(n).i32(c).i32(hw(x)).i32(groups).f64(eps)
                    .ptr(CudaOpContext.addr(out)).ptr(CudaOpContext.addr(mean)).ptr(CudaOpContext.addr(rstd)));
        }
    }

    public void groupNormBackward(Tensor gradOut, Tensor x, Tensor weight, Tensor mean, Tensor rstd, int groups,
                                  Tensor gradX, Tensor gradW, Tensor gradB) {
        CudaOpContext.requireFloat("group_norm_backward", x);
        int n = x.size(0);
        int c = x.size(1);
        int hw = hw(x);
        String sfx = CudaOpContext.typeSuffix(x.dtype());
        if (n * c == 0) {
            return;
        }
        try (CudaOpContext.Dense gd = ctx.dense(gradOut); CudaOpContext.Dense xd = ctx.dense(x); CudaOpContext.Dense wd = ctx.denseOrNull(weight);
             CudaOpContext.Dense md = ctx.dense(mean); CudaOpContext.Dense rd = ctx.dense(rstd);
             CudaOpContext.Scratch ds = ctx.scratch((long) n * c * 8); CudaOpContext.Scratch db = ctx.scratch((long) n * c * 8)) {
            ctx.launch(M, "group_norm_bwd_sums_" + sfx, blocks((long) n * c), KernelArgs.of()
                    .ptr(gd.address()).ptr(xd.address()).i32(n * c).i32(hw).ptr(ds.address()).ptr(db.address()));
            if (gradX != null) {
                ctx.launch(M, "group_norm_bwd_dx_" + sfx, blocks((long) n * groups), KernelArgs.of()
                        .ptr(gd.address()).ptr(xd.address()).ptr(wd == null ? 0 : wd.address()).ptr(md.address())
                        .ptr(rd.address()).ptr(ds.address()).ptr(db.address()).i32(n).i32(c).i32(hw).i32(groups)
                        .ptr(CudaOpContext.addr(gradX)));
            }
            if (gradW != null || gradB != null) {
                ctx.launchN(M, "group_norm_bwd_affine_" + sfx, c, KernelArgs.of()
                        .ptr(md.address()).ptr(rd.address()).ptr(ds.address()).ptr(db.address()).i32(n).i32(c).i32(groups)
                        .ptr(CudaOpContext.addrOrNull(gradW)).ptr(CudaOpContext.addrOrNull(gradB)));
            }
        }
    }

    public void batchNorm(Tensor x, Tensor mean, Tensor invStd, Tensor weight, Tensor bias, Tensor out) {
        CudaOpContext.requireFloat("batch_norm", x);
        if (x.numel() == 0) {
            return;
        }
        try (CudaOpContext.Dense xd = ctx.dense(x); CudaOpContext.Dense md = ctx.dense(mean); CudaOpContext.Dense sd = ctx.dense(invStd);
             CudaOpContext.Dense wd = ctx.denseOrNull(weight); CudaOpContext.Dense bd = ctx.denseOrNull(bias)) {
            ctx.launchN(M, "batch_norm_" + CudaOpContext.typeSuffix(x.dtype()), x.numel(), KernelArgs.of()
                    .ptr(xd.address()).ptr(md.address()).ptr(sd.address())
                    .ptr(wd == null ? 0 : wd.address()).ptr(bd == null ? 0 : bd.address())
                    .i32(x.size(0)).i32(x.size(1)).i32(hw(x)).ptr(CudaOpContext.addr(out)));
        }
    }

    public void batchNormBackward(Tensor gradOut, Tensor x, Tensor mean, Tensor invStd, Tensor weight, boolean training,
                                  Tensor gradX, Tensor gradW, Tensor gradB) {
        CudaOpContext.requireFloat("batch_norm_backward", x);
        int n = x.size(0);
        int c = x.size(1);
        int hw = hw(x);
        String sfx = CudaOpContext.typeSuffix(x.dtype());
        if (c == 0) {
            return;
        }
        try (CudaOpContext.Dense gd = ctx.dense(gradOut); CudaOpContext.Dense xd = ctx.dense(x); CudaOpContext.Dense md = ctx.dense(mean);
             CudaOpContext.Dense sd = ctx.dense(invStd); CudaOpContext.Dense wd = ctx.denseOrNull(weight);
             CudaOpContext.Scratch sumDy = ctx.scratch(c * 8L); CudaOpContext.Scratch sumDyXmu = ctx.scratch(c * 8L)) {
            boolean needSums = training || gradW != null || gradB != null;
            if (needSums) {
                ctx.launch(M, "batch_norm_bwd_sums_" + sfx, blocks(c), KernelArgs.of()
                        .ptr(gd.address()).ptr(xd.address()).ptr(md.address()).i32(n).i32(c).i32(hw)
                        .ptr(sumDy.address()).ptr(sumDyXmu.address()));
            }
            if (gradX != null && x.numel() > 0) {
                ctx.launchN(M, "batch_norm_bwd_dx_" + sfx, x.numel(), KernelArgs.of()
                        .ptr(gd.address()).ptr(xd.address()).ptr(md.address()).ptr(sd.address())
                        .ptr(wd == null ? 0 : wd.address()).ptr(sumDy.address()).ptr(sumDyXmu.address())
                        .i32(n).i32(c).i32(hw).i32(training ? 1 : 0).ptr(CudaOpContext.addr(gradX)));
            }
            if (gradW != null || gradB != null) {
                ctx.launchN(M, "batch_norm_bwd_affine_" + sfx, c, KernelArgs.of()
                        .ptr(sd.address()).ptr(sumDy.address()).ptr(sumDyXmu.address()).i32(c)
                        .ptr(CudaOpContext.addrOrNull(gradW)).ptr(CudaOpContext.addrOrNull(gradB)));
            }
        }
    }
}
