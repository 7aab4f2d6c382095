package org.cassl.kernels.ops;

import org.cassl.kernels.runtime.KernelArgs;
import org.cassl.kernels.runtime.StructPacker;
import org.cassl.tensor.Pool2dParams;
import org.cassl.tensor.Tensor;

/** Launchers of pool.cu: max pooling with indices and average pooling, forward and backward. */
public final class CudaPool {
    private static final String M = "pool";
    private final CudaOpContext ctx;

    public CudaPool(CudaOpContext ctx) {
        this.ctx = ctx;
    }

    /** The packed {@code PoolGeom} for input [N,C,H,W] and output spatial size. */
    static byte[] geom(int[] in, int oh, int ow, Pool2dParams p) {
        return new StructPacker().i32s(in[0] * in[1], in[2], in[3], oh, ow, p.kernelH(), p.kernelW(), p.strideH(),
                p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW(), p.countIncludePad() ? 1 : 0).toBytes();
    }

    public void maxPool(Tensor x, Pool2dParams p, Tensor out, Tensor indices) {
        if (out.numel() == 0) {
            return;
        }
        try (CudaOpContext.Dense xd = ctx.dense(x)) {
            ctx.launchN(M, "max_pool2d_" + CudaOpContext.typeSuffix(x.dtype()), out.numel(), KernelArgs.of()
                    .ptr(xd.address()).ptr(CudaOpContext.addr(out)).ptr(CudaOpContext.addr(indices))
                    .bytes(geom(x.shape(), out.size(2), out.size(3), p)));
        }
    }

    public void maxPoolBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
        CudaOpContext.requireFloat("max_pool2d_backward", gradOut);
        int planes = gradIn.size(0) * gradIn.size(1);
        int outPer = gradOut.size(2) * gradOut.size(3);
        int inPer = gradIn.size(2) * gradIn.size(3);
        if (gradOut.numel() == 0) {
            return;
        }
        try (CudaOpContext.Dense gd = ctx.dense(gradOut); CudaOpContext.Dense id = ctx.dense(indices)) {
            ctx.launchN(M, "max_pool2d_bwd_" + CudaOpContext.typeSuffix(gradOut.dtype()), gradOut.numel(), KernelArgs.of()
                    .ptr(gd.address()).ptr(id.address()).ptr(CudaOpContext.addr(gradIn)).i32(planes).i32(outPer).i32(inPer)
                    .ptr(ctx.runtime().errorWord()));
        }
        ctx.checkErrors("max_pool2d_backward");
    }

    public void avgPool(Tensor x, Pool2dParams p, Tensor out) {
        CudaOpContext.requireFloat("avg_pool2d", x);
        if (out.numel() == 0) {
            return;
        }
        try (CudaOpContext.Dense xd = ctx.dense(x)) {
            ctx.launchN(M, "avg_pool2d_" + CudaOpContext.typeSuffix(x.dtype()), out.numel(), KernelArgs.of()
                    .ptr(xd.address()).ptr(CudaOpContext.addr(out)).bytes(geom(x.shape(), out.size(2), out.size(3), p)));
        }
    }

    public void avgPoolBackward(Tensor gradOut, Pool2dParams p, Tensor gradIn) {
        CudaOpContext.requireFloat("avg_pool2d_backward", gradOut);
        if (gradIn.numel() == 0) {
            return;
        }
        try (CudaOpContext.Dense gd = ctx.dense(gradOut)) {
            ctx.launchN(M, "avg_pool2d_bwd_" + CudaOpContext.typeSuffix(gradOut.dtype()), gradIn.numel(), KernelArgs.of()
                    .ptr(gd.address()).ptr(CudaOpContext.addr(gradIn))
                    .bytes(geom(gradIn.shape(), gradOut.size(2), gradOut.size(3), p)));
        }
    }
}
