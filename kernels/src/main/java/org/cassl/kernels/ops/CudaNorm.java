package org.cassl.kernels.ops;

import org.cassl.kernels.runtime.KernelArgs;
import org.cassl.kernels.runtime.LaunchConfig;
import org.cassl.tensor.Tensor;

/** Launchers of norm.cu: GroupNorm and BatchNorm, forward and backward, on [N,C,*] tensors. */
public final class CudaNorm {
    private static final String M = "norm";
    private final Kit kit;

    public CudaNorm(Kit kit) {
        this.kit = kit;
    }

    private static int hw(Tensor x) {
        return x.size(0) * x.size(1) == 0 ? 0 : x.numel() / (x.size(0) * x.size(1));
    }

    private LaunchConfig blocks(long items) {
        return LaunchConfig.of((int) Math.max(1, Math.min(items, kit.maxBlocks())), Kit.BLOCK);
    }

    public void groupNorm(Tensor x, Tensor weight, Tensor bias, int groups, double eps, Tensor out, Tensor mean,
                          Tensor rstd) {
        Kit.requireFloat("group_norm", x);
        int n = x.size(0);
        int c = x.size(1);
        if (n * groups == 0) {
            return;
        }
        try (Kit.Dense xd = kit.dense(x); Kit.Dense wd = kit.denseOrNull(weight); Kit.Dense bd = kit.denseOrNull(bias)) {
            kit.launch(M, "group_norm_" + Kit.typeSuffix(x.dtype()), blocks((long) n * groups), KernelArgs.of()
                    .ptr(xd.address()).ptr(wd == null ? 0 : wd.address()).ptr(bd == null ? 0 : bd.address())
                    .i32(n).i32(c).i32(hw(x)).i32(groups).f64(eps)
                    .ptr(Kit.addr(out)).ptr(Kit.addr(mean)).ptr(Kit.addr(rstd)));
        }
    }

    public void groupNormBackward(Tensor gradOut, Tensor x, Tensor weight, Tensor mean, Tensor rstd, int groups,
                                  Tensor gradX, Tensor gradW, Tensor gradB) {
        Kit.requireFloat("group_norm_backward", x);
        int n = x.size(0);
        int c = x.size(1);
        int hw = hw(x);
        String sfx = Kit.typeSuffix(x.dtype());
        if (n * c == 0) {
            return;
        }
        try (Kit.Dense gd = kit.dense(gradOut); Kit.Dense xd = kit.dense(x); Kit.Dense wd = kit.denseOrNull(weight);
             Kit.Dense md = kit.dense(mean); Kit.Dense rd = kit.dense(rstd);
             Kit.Scratch ds = kit.scratch((long) n * c * 8); Kit.Scratch db = kit.scratch((long) n * c * 8)) {
            kit.launch(M, "group_norm_bwd_sums_" + sfx, blocks((long) n * c), KernelArgs.of()
                    .ptr(gd.address()).ptr(xd.address()).i32(n * c).i32(hw).ptr(ds.address()).ptr(db.address()));
            if (gradX != null) {
                kit.launch(M, "group_norm_bwd_dx_" + sfx, blocks((long) n * groups), KernelArgs.of()
                        .ptr(gd.address()).ptr(xd.address()).ptr(wd == null ? 0 : wd.address()).ptr(md.address())
                        .ptr(rd.address()).ptr(ds.address()).ptr(db.address()).i32(n).i32(c).i32(hw).i32(groups)
                        .ptr(Kit.addr(gradX)));
            }
            if (gradW != null || gradB != null) {
                kit.launchN(M, "group_norm_bwd_affine_" + sfx, c, KernelArgs.of()
                        .ptr(md.address()).ptr(rd.address()).ptr(ds.address()).ptr(db.address()).i32(n).i32(c).i32(groups)
                        .ptr(Kit.addrOrNull(gradW)).ptr(Kit.addrOrNull(gradB)));
            }
        }
    }

    public void batchNorm(Tensor x, Tensor mean, Tensor invStd, Tensor weight, Tensor bias, Tensor out) {
        Kit.requireFloat("batch_norm", x);
        if (x.numel() == 0) {
            return;
        }
        try (Kit.Dense xd = kit.dense(x); Kit.Dense md = kit.dense(mean); Kit.Dense sd = kit.dense(invStd);
             Kit.Dense wd = kit.denseOrNull(weight); Kit.Dense bd = kit.denseOrNull(bias)) {
            kit.launchN(M, "batch_norm_" + Kit.typeSuffix(x.dtype()), x.numel(), KernelArgs.of()
                    .ptr(xd.address()).ptr(md.address()).ptr(sd.address())
                    .ptr(wd == null ? 0 : wd.address()).ptr(bd == null ? 0 : bd.address())
                    .i32(x.size(0)).i32(x.size(1)).i32(hw(x)).ptr(Kit.addr(out)));
        }
    }

    public void batchNormBackward(Tensor gradOut, Tensor x, Tensor mean, Tensor invStd, Tensor weight, boolean training,
                                  Tensor gradX, Tensor gradW, Tensor gradB) {
        Kit.requireFloat("batch_norm_backward", x);
        int n = x.size(0);
        int c = x.size(1);
        int hw = hw(x);
        String sfx = Kit.typeSuffix(x.dtype());
        if (c == 0) {
            return;
        }
        try (Kit.Dense gd = kit.dense(gradOut); Kit.Dense xd = kit.dense(x); Kit.Dense md = kit.dense(mean);
             Kit.Dense sd = kit.dense(invStd); Kit.Dense wd = kit.denseOrNull(weight);
             Kit.Scratch sumDy = kit.scratch(c * 8L); Kit.Scratch sumDyXmu = kit.scratch(c * 8L)) {
            boolean needSums = training || gradW != null || gradB != null;
            if (needSums) {
                kit.launch(M, "batch_norm_bwd_sums_" + sfx, blocks(c), KernelArgs.of()
                        .ptr(gd.address()).ptr(xd.address()).ptr(md.address()).i32(n).i32(c).i32(hw)
                        .ptr(sumDy.address()).ptr(sumDyXmu.address()));
            }
            if (gradX != null && x.numel() > 0) {
                kit.launchN(M, "batch_norm_bwd_dx_" + sfx, x.numel(), KernelArgs.of()
                        .ptr(gd.address()).ptr(xd.address()).ptr(md.address()).ptr(sd.address())
                        .ptr(wd == null ? 0 : wd.address()).ptr(sumDy.address()).ptr(sumDyXmu.address())
                        .i32(n).i32(c).i32(hw).i32(training ? 1 : 0).ptr(Kit.addr(gradX)));
            }
            if (gradW != null || gradB != null) {
                kit.launchN(M, "batch_norm_bwd_affine_" + sfx, c, KernelArgs.of()
                        .ptr(sd.address()).ptr(sumDy.address()).ptr(sumDyXmu.address()).i32(c)
                        .ptr(Kit.addrOrNull(gradW)).ptr(Kit.addrOrNull(gradB)));
            }
        }
    }
}
