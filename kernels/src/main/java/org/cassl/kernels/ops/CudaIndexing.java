package org.cassl.kernels.ops;

import java.util.Arrays;
import org.cassl.kernels.runtime.KernelArgs;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;

/**
 * Launchers of indexing.cu (index_select, index_add, gather, scatter_add, nonzero). Index values
 * are checked on the device; a bad one makes the call throw IndexOutOfRangeException after the
 * kernel (which costs a synchronisation per call). Accumulating ops use atomics, so float sums may
 * differ from the CPU's sequential order in the last bits.
 */
public final class CudaIndexing {
    private static final String M = "indexing";
    private final CudaOpContext ctx;
    private final DeviceScan scan;

    public CudaIndexing(CudaOpContext ctx, DeviceScan scan) {
        this.ctx = ctx;
        this.scan = scan;
    }

    /** Strides of {@code t} over {@code shape} (same rank), with the indexed dim's stride set to 0. */
    static int[] stridesWithout(Tensor t, int dim) {
        int[] s = t.strides();
        s[dim] = 0;
        return s;
    }

    static int inner(int[] shape, int dim) {
        int p = 1;
        for (int i = dim + 1; i < shape.length; i++) {
            p *= shape[i];
        }
        return p;
    }

    public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        int n = out.numel();
        if (n == 0) {
            return;
        }
        int[] shape = out.shape();
        TensorDesc.Merged m = TensorDesc.merge(shape, stridesWithout(x, dim), out.strides());
        ctx.launchN(M, "index_select_" + CudaOpContext.widthSuffix(x.dtype()), n, KernelArgs.of()
                .ptr(CudaOpContext.base(x)).bytes(m.desc(0, x.offset())).i32(x.stride(dim)).i32(x.size(dim))
                .ptr(CudaOpContext.addr(index)).i32(index.dim() == 0 ? 0 : index.stride(0)).i32(inner(shape, dim)).i32(shape[dim])
                .ptr(CudaOpContext.base(out)).bytes(m.desc(1, out.offset())).i32(n).ptr(ctx.runtime().errorWord()));
        ctx.checkErrors("index_select");
    }

    public void indexAdd(Tensor out, int dim, Tensor index, Tensor src) {
        int n = src.numel();
        if (n == 0) {
            return;
        }
        int[] shape = src.shape();
        TensorDesc.Merged m = TensorDesc.merge(shape, src.strides(), stridesWithout(out, dim));
        ctx.launchN(M, "index_add_" + CudaOpContext.typeSuffix(out.dtype()), n, KernelArgs.of()
                .ptr(CudaOpContext.base(out)).bytes(m.desc(1, out.offset())).i32(out.stride(dim)).i32(out.size(dim))
                .ptr(CudaOpContext.addr(index)).i32(index.dim() == 0 ? 0 : index.stride(0)).i32(inner(shape, dim)).i32(shape[dim])
                .ptr(CudaOpContext.base(src)).bytes(m.desc(0, src.offset())).i32(n).ptr(ctx.runtime().errorWord()));
        ctx.checkErrors("index_add");
    }

    /** {@code out[..., j, ...] = x[..., index[..., j, ...], ...]} along dim; iteration over the index's shape. */
    public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        int n = index.numel();
        if (n == 0) {
            return;
        }
        int[] shape = index.shape();
        TensorDesc.Merged m = TensorDesc.merge(shape, out.strides(), index.strides(), stridesWithout(x, dim));
        ctx.launchN(M, "gather_" + CudaOpContext.widthSuffix(x.dtype()), n, KernelArgs.of()
                .ptr(CudaOpContext.base(x)).bytes(m.desc(2, x.offset())).i32(x.stride(dim)).i32(x.size(dim))
                .ptr(CudaOpContext.base(index)).bytes(m.desc(1, index.offset()))
                .ptr(CudaOpContext.base(out)).bytes(m.desc(0, out.offset())).i32(n).ptr(ctx.runtime().errorWord()));
        ctx.checkErrors("gather");
    }

    public void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        int n = index.numel();
        if (n == 0) {
            return;
        }
        int[] shape = index.shape();
        TensorDesc.Merged m = TensorDesc.merge(shape, index.strides(), stridesWithout(out, dim), src.strides());
        ctx.launchN(M, "scatter_add_" + CudaOpContext.typeSuffix(out.dtype()), n, KernelArgs.of()
                .ptr(CudaOpContext.base(out)).bytes(m.desc(1, out.offset())).i32(out.stride(dim)).i32(out.size(dim))
                .ptr(CudaOpContext.base(index)).bytes(m.desc(0, index.offset()))
                .ptr(CudaOpContext.base(src)).bytes(m.desc(2, src.offset())).i32(n).ptr(ctx.runtime().errorWord()));
        ctx.checkErrors("scatter_add");
    }

    public Tensor nonzero(Tensor x) {
        int n = x.numel();
        int rank = x.dim();
        if (n == 0) {
            return ctx.newTensor(DType.I64, 0, rank);
        }
        try (CudaOpContext.Scratch flags = ctx.scratch(n * 4L); CudaOpContext.Scratch pos = ctx.scratch(n * 4L)) {
            TensorDesc.Merged m = TensorDesc.merge(x.shape(), x);
            ctx.launchN(M, "nonzero_flags", n, KernelArgs.of().ptr(CudaOpContext.base(x)).i32(x.dtype().ordinal())
                    .bytes(m.desc(0, x.offset())).i32(n).ptr(flags.address()));
            scan.exclusive(flags.address(), pos.address(), n);
            int count = scan.total(flags.address(), pos.address(), n);
            Tensor out = ctx.newTensor(DType.I64, count, rank);
            if (count > 0 && rank > 0) {
                int[] zeros = new int[rank];
                Arrays.fill(zeros, 0);
                ctx.launchN(M, "nonzero_write", n, KernelArgs.of().ptr(flags.address()).ptr(pos.address())
                        .bytes(TensorDesc.pack(0, x.shape(), zeros)).i32(n).ptr(CudaOpContext.addr(out)));
            }
            return out;
        }
    }
}
