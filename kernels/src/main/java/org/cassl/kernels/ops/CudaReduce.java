package org.cassl.kernels.ops;

import java.util.Arrays;
import org.cassl.kernels.runtime.KernelArgs;
import org.cassl.kernels.runtime.LaunchConfig;
import org.cassl.tensor.DType;
import org.cassl.tensor.ReduceOp;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * Launchers of reduce.cu. A reduction splits x's dims into kept dims (the output, row-major) and
 * reduced dims, each merged where contiguous. Work per output is chosen from the sizes: a warp per
 * output when there are many outputs or few elements each, a block per output otherwise, and for
 * few very long reductions the reduced range is split over several blocks whose partial results a
 * second launch combines.
 */
public final class CudaReduce {
    private static final String M = "reduce";
    private final CudaOpContext ctx;

    public CudaReduce(CudaOpContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The launch shape of a reduction of {@code outer} outputs over {@code inner} elements each.
     *
     * @param tpo    threads per output (32 or the block size)
     * @param block  threads per block
     * @param grid   blocks along x
     * @param splits chunks of the reduced range (blocks along y); > 1 needs a second pass
     */
    public record Plan(int tpo, int block, int grid, int splits) {
    }

    /** Chooses the launch shape; pure, so it is unit-tested. */
    public static Plan plan(long outer, long inner, int multiprocessors, int maxBlocks) {
        int block = CudaOpContext.BLOCK;
        if (inner <= 256 || outer >= (long) multiprocessors * 64) {
            int perBlock = block / 32;
            return new Plan(32, block, (int) Math.max(1, Math.min((outer + perBlock - 1) / perBlock, maxBlocks)), 1);
        }
        if (outer >= (long) multiprocessors * 2) {
            return new Plan(block, block, (int) Math.max(1, Math.min(outer, maxBlocks)), 1);
        }
        long wanted = ((long) multiprocessors * 4 + outer - 1) / outer;
        long byWork = (inner + 4095) / 4096;
        int splits = (int) Math.max(1, Math.min(Math.min(wanted, byWork), 65535));
        return new Plan(block, block, (int) Math.max(1, outer), splits);
    }

    public void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        int[] shape = x.shape();
        int[] strides = x.strides();
        boolean[] red = new boolean[shape.length];
        for (int d : dims) {
            red[d] = true;
        }
        int nk = shape.length - dims.length;
        int[] ks = new int[nk];
        int[] kst = new int[nk];
        int[] rs = new int[dims.length];
        int[] rst = new int[dims.length];
        int k = 0;
        int r = 0;
        for (int d = 0; d < shape.length; d++) {
            if (red[d]) {
                rs[r] = shape[d];
                rst[r++] = strides[d];
            } else {
                ks[k] = shape[d];
                kst[k++] = strides[d];
            }
        }
        TensorDesc.Merged keep = TensorDesc.merge(ks, kst);
        TensorDesc.Merged rd = TensorDesc.merge(rs, rst);
        long outer = product(ks);
        long inner = product(rs);
        if (outer == 0) {
            return;
        }
        String kernel = "reduce_" + CudaOpContext.typeSuffix(x.dtype());
        Plan p = plan(outer, inner, ctx.multiprocessors(), ctx.maxBlocks());
        if (p.splits() == 1) {
            ctx.launch(M, kernel, LaunchConfig.of(p.grid(), 1, 1, p.block()), KernelArgs.of()
                    .i32(op.ordinal()).ptr(CudaOpContext.base(x)).bytes(keep.desc(0, x.offset())).bytes(rd.desc(0, 0))
                    .i32((int) outer).i32((int) inner).i32(p.tpo()).i32(1)
                    .ptr(CudaOpContext.addr(out)).i32(out.dtype().ordinal()).ptr(0L));
            return;
        }
        // two passes: partial results [outer, splits] in the accumulator type (8 bytes), then their reduction
        boolean floating = x.dtype().isFloatingPoint();
        try (CudaOpContext.Scratch partial = ctx.scratch(outer * p.splits() * 8L)) {
            ctx.launch(M, kernel, LaunchConfig.of(p.grid(), p.splits(), 1, p.block()), KernelArgs.of()
                    .i32(op.ordinal()).ptr(CudaOpContext.base(x)).bytes(keep.desc(0, x.offset())).bytes(rd.desc(0, 0))
                    .i32((int) outer).i32((int) inner).i32(p.tpo()).i32(p.splits())
                    .ptr(CudaOpContext.addr(out)).i32(out.dtype().ordinal()).ptr(partial.address()));
            byte[] keep2 = TensorDesc.pack(0, new int[] {(int) outer}, new int[] {p.splits()});
            byte[] red2 = TensorDesc.pack(0, new int[] {p.splits()}, new int[] {1});
            Plan q = plan(outer, p.splits(), ctx.multiprocessors(), ctx.maxBlocks());
            ctx.launch(M, floating ? "reduce_f64" : "reduce_i64", LaunchConfig.of(q.grid(), 1, 1, q.block()),
                    KernelArgs.of().i32(op.ordinal()).ptr(partial.address()).bytes(keep2).bytes(red2)
                            .i32((int) outer).i32(p.splits()).i32(q.tpo()).i32(1)
                            .ptr(CudaOpContext.addr(out)).i32(out.dtype().ordinal()).ptr(0L));
        }
    }

    public void argReduce(ReduceOp op, Tensor x, int dim, Tensor values, Tensor indices) {
        if (op != ReduceOp.MAX && op != ReduceOp.MIN) {
            throw new TensorException("argReduce: only MAX and MIN have indices, got " + op);
        }
        int[] ks = removeDim(x.shape(), dim);
        int[] kst = removeDim(x.strides(), dim);
        TensorDesc.Merged keep = TensorDesc.merge(ks, kst);
        long outer = product(ks);
        int n = x.size(dim);
        if (outer == 0 || n == 0) {
            return;
        }
        int tpo = n <= 1024 || outer >= (long) ctx.multiprocessors() * 32 ? 32 : CudaOpContext.BLOCK;
        int perBlock = CudaOpContext.BLOCK / tpo;
        int grid = (int) Math.max(1, Math.min((outer + perBlock - 1) / perBlock, ctx.maxBlocks()));
        ctx.launch(M, "arg_reduce_" + CudaOpContext.typeSuffix(x.dtype()), LaunchConfig.of(grid, CudaOpContext.BLOCK), KernelArgs.of()
                .i32(op.ordinal()).ptr(CudaOpContext.base(x)).bytes(keep.desc(0, x.offset())).i32(n).i32(x.stride(dim))
                .i32((int) outer).i32(tpo).ptr(CudaOpContext.addr(values)).ptr(CudaOpContext.addr(indices)));
    }

    public void cumsum(Tensor x, int dim, Tensor out) {
        DType t = x.dtype();
        if (t != DType.F32 && t != DType.F64 && t != DType.I64) {
            throw new TensorException("cumsum: the CUDA kernel takes float32, float64 or int64, got " + t);
        }
        if (x.dim() == 0) {
            ctx.runtime().copyDeviceToDevice(CudaOpContext.addr(out), CudaOpContext.addr(x), t.byteSize());
            return;
        }
        int[] ks = removeDim(x.shape(), dim);
        TensorDesc.Merged keep = TensorDesc.merge(ks, removeDim(x.strides(), dim), removeDim(out.strides(), dim));
        long outer = product(ks);
        int n = x.size(dim);
        if (outer == 0 || n == 0) {
            return;
        }
        int block = (int) Math.min(CudaOpContext.BLOCK, Math.max(32, (n + 31) / 32 * 32L));
        int grid = (int) Math.max(1, Math.min(outer, ctx.maxBlocks()));
        ctx.launch(M, "cumsum_" + CudaOpContext.typeSuffix(t), LaunchConfig.of(grid, block), KernelArgs.of()
                .ptr(CudaOpContext.base(x)).bytes(keep.desc(0, x.offset())).i32(n).i32(x.stride(dim))
                .ptr(CudaOpContext.base(out)).bytes(keep.desc(1, out.offset())).i32(out.stride(dim)).i32((int) outer));
    }

    static int[] removeDim(int[] a, int dim) {
        int[] r = new int[a.length - 1];
        for (int i = 0, j = 0; i < a.length; i++) {
            if (i != dim) {
                r[j++] = a[i];
            }
        }
        return r;
    }

    static long product(int[] s) {
        return Arrays.stream(s).asLongStream().reduce(1, (p, q) -> p * q);
    }
}
