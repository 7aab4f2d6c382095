package org.cassl.kernels.ops;

import org.cassl.kernels.runtime.KernelArgs;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;

/**
 * Stable sort and top-k along one dim (sort.cu): an LSD radix sort with 1-bit stable partitions
 * over every key bit that varies, followed by partitions on the slice number, so all slices are
 * sorted in one sequence of launches. Ties keep their original order (stable, lower index first,
 * in both directions); NaN sorts as the largest value, as in PyTorch. Top-k is the first k of the
 * sorted order.
 */
public final class CudaSort {
    private static final String M = "sort";
    private final CudaOpContext ctx;
    private final DeviceScan scan;

    public CudaSort(CudaOpContext ctx, DeviceScan scan) {
        this.ctx = ctx;
        this.scan = scan;
    }

    public void sort(Tensor x, int dim, boolean descending, Tensor values, Tensor indices) {
        run(x, dim, descending, x.size(dim), values, indices);
    }

    public void topk(Tensor x, int k, int dim, boolean largest, Tensor values, Tensor indices) {
        run(x, dim, largest, k, values, indices);
    }

    /** Bits of the order-preserving key of a dtype. */
    static int keyBits(DType t) {
        switch (t) {
            case F32: return 32;
            case F64: case I64: return 64;
            default: return 8;
        }
    }

    /** The permutation moving {@code dim} last. */
    static int[] dimLast(int rank, int dim) {
        int[] p = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) {
            if (i != dim) {
                p[j++] = i;
            }
        }
        p[rank - 1] = dim;
        return p;
    }

    private void run(Tensor x, int dim, boolean descending, int k, Tensor values, Tensor indices) {
        int n = x.size(dim);
        int total = x.numel();
        if (total == 0 || k == 0) {
            return;
        }
        int slices = total / n;
        int[] perm = dimLast(x.dim(), dim);
        Tensor xv = x.permute(perm);
        Tensor vv = values.permute(perm);
        Tensor iv = indices.permute(perm);
        int bits = keyBits(x.dtype());
        long keyMask = bits == 64 ? -1L : (1L << bits) - 1;
        try (CudaOpContext.Scratch keysA = ctx.scratch(total * 8L);
             CudaOpContext.Scratch keysB = ctx.scratch(total * 8L);
             CudaOpContext.Scratch payA = ctx.scratch(total * 4L);
             CudaOpContext.Scratch payB = ctx.scratch(total * 4L);
             CudaOpContext.Scratch flags = ctx.scratch(total * 4L);
             CudaOpContext.Scratch pos = ctx.scratch(total * 4L);
             CudaOpContext.Scratch orAnd = ctx.scratch(16)) {
            ctx.launchN(M, "sort_keys_" + CudaOpContext.typeSuffix(x.dtype()), total, KernelArgs.of()
                    .ptr(CudaOpContext.base(x)).bytes(TensorDesc.of(xv)).i32(total).i64(keyMask).i32(descending ? 1 : 0)
                    .ptr(keysA.address()).ptr(payA.address()));
            long varying = varyingBits(keysA.address(), total, orAnd.address());
            long[] keys = {keysA.address(), keysB.address()};
            long[] pay = {payA.address(), payB.address()};
            int cur = 0;
            for (int bit = 0; bit < bits; bit++) {
                if ((varying >>> bit & 1L) != 0) {
                    partition(keys[cur], pay[cur], keys[1 - cur], pay[1 - cur], flags.address(), pos.address(), total, bit,
                            0);
                    cur = 1 - cur;
                }
            }
            int segBits = slices > 1 ? 32 - Integer.numberOfLeadingZeros(slices - 1) : 0;
            for (int bit = 0; bit < segBits; bit++) {
                partition(keys[cur], pay[cur], keys[1 - cur], pay[1 - cur], flags.address(), pos.address(), total, bit, n);
                cur = 1 - cur;
            }
            ctx.launchN(M, "sort_write_" + CudaOpContext.widthSuffix(x.dtype()), (long) slices * k, KernelArgs.of()
                    .ptr(CudaOpContext.base(x)).bytes(TensorDesc.of(xv)).ptr(pay[cur]).i32(n).i32(k).i32(slices * k)
                    .ptr(CudaOpContext.base(values)).bytes(TensorDesc.of(vv)).ptr(CudaOpContext.base(indices)).bytes(TensorDesc.of(iv)));
        }
    }

    /** Bits in which the keys differ (OR ^ AND over all keys; waits for the device). */
    private long varyingBits(long keys, int total, long orAnd) {
        ctx.runtime().memset8(orAnd, 0, 8);
        ctx.runtime().memset8(orAnd + 8, 0xff, 8);
        ctx.launchN(M, "radix_bits", total, KernelArgs.of().ptr(keys).i32(total).ptr(orAnd));
        long[] w = new long[2];
        ctx.runtime().download(orAnd, w, 0, 2);
        return w[0] ^ w[1];
    }

    private void partition(long keys, long pay, long keysOut, long payOut, long flags, long pos, int total, int bit,
                           int segLen) {
        ctx.launchN(M, "radix_flags", total, KernelArgs.of().ptr(keys).ptr(pay).i32(total).i32(bit).i32(segLen).ptr(flags));
        scan.exclusive(flags, pos, total);
        ctx.launchN(M, "radix_scatter", total, KernelArgs.of().ptr(keys).ptr(pay).ptr(flags).ptr(pos).i32(total)
                .ptr(keysOut).ptr(payOut));
    }
}
