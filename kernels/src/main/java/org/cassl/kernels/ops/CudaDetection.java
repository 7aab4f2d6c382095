package org.cassl.kernels.ops;

import org.cassl.kernels.runtime.KernelArgs;
import org.cassl.kernels.runtime.LaunchConfig;
import org.cassl.kernels.runtime.StructPacker;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;

/** Launchers of the detection kernels: roi_align.cu, nms.cu, fcos_assign.cu. */
public final class CudaDetection {
    /** Boxes per NMS block (NMS_BLOCK). */
    public static final int NMS_BLOCK = 64;
    private static final int FCOS_THREADS = 256;
    private final CudaOpContext ctx;
    private final CudaSort sort;
    private final DeviceScan scan;

    public CudaDetection(CudaOpContext ctx, CudaSort sort, DeviceScan scan) {
        this.ctx = ctx;
        this.sort = sort;
        this.scan = scan;
    }

    /** The packed {@code RoiGeom}. */
    static byte[] roiGeom(int r, int[] in, int ph, int pw, int samplingRatio, boolean aligned, double spatialScale) {
        return new StructPacker().i32s(r, in[0], in[1], in[2], in[3], ph, pw, samplingRatio, aligned ? 1 : 0, 0)
                .f64(spatialScale).toBytes();
    }

    public void roiAlign(Tensor input, Tensor rois, double spatialScale, int samplingRatio, boolean aligned, Tensor out) {
        CudaOpContext.requireFloat("roi_align", input);
        if (out.numel() == 0) {
            return;
        }
        try (CudaOpContext.Dense xd = ctx.dense(input); CudaOpContext.Dense rd = ctx.dense(rois)) {
            ctx.launchN("roi_align", "roi_align_" + CudaOpContext.typeSuffix(input.dtype()), out.numel(), KernelArgs.of()
                    .ptr(xd.address()).ptr(rd.address()).ptr(CudaOpContext.addr(out))
                    .bytes(roiGeom(rois.size(0), input.shape(), out.size(2), out.size(3), samplingRatio, aligned, spatialScale))
                    .ptr(ctx.runtime().errorWord()));
        }
        ctx.checkErrors("roi_align");
    }

    public void roiAlignBackward(Tensor gradOut, Tensor rois, double spatialScale, int samplingRatio, boolean aligned,
                                 Tensor gradIn) {
        CudaOpContext.requireFloat("roi_align_backward", gradOut);
        if (gradOut.numel() == 0) {
            return;
        }
        try (CudaOpContext.Dense gd = ctx.dense(gradOut); CudaOpContext.Dense rd = ctx.dense(rois)) {
            ctx.launchN("roi_align", "roi_align_bwd_" + CudaOpContext.typeSuffix(gradOut.dtype()), gradOut.numel(), KernelArgs.of()
                    .ptr(gd.address()).ptr(rd.address()).ptr(CudaOpContext.addr(gradIn))
                    .bytes(roiGeom(rois.size(0), gradIn.shape(), gradOut.size(2), gradOut.size(3), samplingRatio, aligned,
                            spatialScale))
                    .ptr(ctx.runtime().errorWord()));
        }
        ctx.checkErrors("roi_align_backward");
    }

    /** Scratch bytes the bitmask NMS needs for {@code n} boxes (the mask dominates: n * ceil(n/64) words). */
    public static long nmsMaskBytes(int n) {
        long blocks = (n + NMS_BLOCK - 1) / NMS_BLOCK;
        return (long) n * blocks * 8;
    }

    public Tensor nms(Tensor boxes, Tensor scores, double iouThreshold) {
        CudaOpContext.requireFloat("nms", boxes);
        int n = boxes.size(0);
        if (n == 0) {
            return ctx.newTensor(DType.I64, 0);
        }
        int colBlocks = (n + NMS_BLOCK - 1) / NMS_BLOCK;
        if (colBlocks > 65535) {
            throw new org.cassl.tensor.TensorException("nms: " + n + " boxes exceed the CUDA kernel's limit of "
                    + 65535L * NMS_BLOCK);
        }
        String sfx = CudaOpContext.typeSuffix(boxes.dtype());
        int es = boxes.dtype().byteSize();
        Tensor sortedScores = ctx.temporary(scores.dtype(), n);
        Tensor order = ctx.temporary(DType.I64, n);
        try (CudaOpContext.Scratch sorted = ctx.scratch((long) n * 4 * es);
             CudaOpContext.Scratch mask = ctx.scratch(nmsMaskBytes(n));
             CudaOpContext.Scratch removed = ctx.scratch(colBlocks * 8L);
             CudaOpContext.Scratch keep = ctx.scratch(n * 4L);
             CudaOpContext.Scratch pos = ctx.scratch(n * 4L)) {
            sort.sort(scores, 0, true, sortedScores, order);
            ctx.launchN("nms", "gather_boxes_" + sfx, 4L * n, KernelArgs.of()
                    .ptr(CudaOpContext.base(boxes)).bytes(TensorDesc.of(boxes)).ptr(CudaOpContext.addr(order)).i32(n).ptr(sorted.address()));
            ctx.launch("nms", "nms_mask_" + sfx, LaunchConfig.of(colBlocks, colBlocks, 1, NMS_BLOCK), KernelArgs.of()
                    .ptr(sorted.address()).i32(n).f64(iouThreshold).ptr(mask.address()));
            ctx.runtime().memset8(removed.address(), 0, colBlocks * 8L);
            ctx.launch("nms", "nms_scan", LaunchConfig.of(1, 256), KernelArgs.of()
                    .ptr(mask.address()).i32(n).ptr(removed.address()).ptr(keep.address()));
            scan.exclusive(keep.address(), pos.address(), n);
            int count = scan.total(keep.address(), pos.address(), n);
            Tensor out = ctx.newTensor(DType.I64, count);
            if (count > 0) {
                scan.compact(keep.address(), pos.address(), n, CudaOpContext.addr(order), CudaOpContext.addr(out));
            }
            return out;
        } finally {
            CudaOpContext.free(sortedScores);
            CudaOpContext.free(order);
        }
    }

    public void fcosAssign(Tensor centers, Tensor anchorSizes, Tensor lower, Tensor upper, Tensor gtBoxes, double radius,
                           Tensor matched) {
        CudaOpContext.requireFloat("fcos_assign", centers);
        int p = centers.size(0);
        int g = gtBoxes.size(0);
        if (p == 0) {
            return;
        }
        try (CudaOpContext.Dense cd = ctx.dense(centers); CudaOpContext.Dense sd = ctx.dense(anchorSizes); CudaOpContext.Dense ld = ctx.dense(lower);
             CudaOpContext.Dense ud = ctx.dense(upper); CudaOpContext.Dense gd = ctx.dense(gtBoxes); CudaOpContext.Dense md = ctx.dense(matched)) {
            ctx.launch("fcos_assign", "fcos_assign_" + CudaOpContext.typeSuffix(centers.dtype()),
                    LaunchConfig.of((p + FCOS_THREADS - 1) / FCOS_THREADS, FCOS_THREADS), KernelArgs.of()
                            .ptr(cd.address()).ptr(sd.address()).ptr(ld.address()).ptr(ud.address()).ptr(gd.address())
                            .i32(p).i32(g).f64(radius).ptr(md.address()));
            if (md.tensor() != matched) {
                ctx.copyBack(md.tensor(), matched);
            }
        }
    }
}
