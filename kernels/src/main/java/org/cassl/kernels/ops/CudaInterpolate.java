package org.cassl.kernels.ops;

import org.cassl.kernels.runtime.KernelArgs;
import org.cassl.kernels.runtime.StructPacker;
import org.cassl.tensor.InterpolationMode;
import org.cassl.tensor.Tensor;

/** Launchers of interpolate.cu: nearest and bilinear resizing and their adjoints. */
public final class CudaInterpolate {
    private static final String M = "interpolate";
    private final CudaOpContext ctx;

    public CudaInterpolate(CudaOpContext ctx) {
        this.ctx = ctx;
    }

    /** The packed {@code InterpGeom} for input [N,C,H,W] resized to (oh, ow). */
    static byte[] geom(int[] in, int oh, int ow, boolean alignCorners, double scaleH, double scaleW) {
        return new StructPacker().i32s(in[0] * in[1], in[2], in[3], oh, ow, alignCorners ? 1 : 0).f64(scaleH).f64(scaleW)
                .toBytes();
    }

    public void forward(Tensor x, InterpolationMode mode, boolean alignCorners, double scaleH, double scaleW, Tensor out) {
        CudaOpContext.requireFloat("interpolate", x);
        if (out.numel() == 0) {
            return;
        }
        try (CudaOpContext.Dense xd = ctx.dense(x)) {
            ctx.launchN(M, "upsample2d_" + CudaOpContext.typeSuffix(x.dtype()), out.numel(), KernelArgs.of()
                    .ptr(xd.address()).ptr(CudaOpContext.addr(out))
                    .bytes(geom(x.shape(), out.size(2), out.size(3), alignCorners, scaleH, scaleW))
                    .i32(mode == InterpolationMode.BILINEAR ? 1 : 0));
        }
    }

    public void backward(Tensor gradOut, InterpolationMode mode, boolean alignCorners, double scaleH, double scaleW,
                         Tensor gradIn) {
        CudaOpContext.requireFloat("interpolate_backward", gradOut);
        if (gradOut.numel() == 0) {
            return;
        }
        try (CudaOpContext.Dense gd = ctx.dense(gradOut)) {
            ctx.launchN(M, "upsample2d_bwd_" + CudaOpContext.typeSuffix(gradOut.dtype()), gradOut.numel(), KernelArgs.of()
                    .ptr(gd.address()).ptr(CudaOpContext.addr(gradIn))
                    .bytes(geom(gradIn.shape(), gradOut.size(2), gradOut.size(3), alignCorners, scaleH, scaleW))
                    .i32(mode == InterpolationMode.BILINEAR ? 1 : 0));
        }
    }
}
