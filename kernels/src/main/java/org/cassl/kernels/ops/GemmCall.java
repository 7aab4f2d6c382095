package org.cassl.kernels.ops;

import org.cassl.kernels.runtime.StructPacker;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;

/**
 * One batched GEMM {@code C[b] (+)= A[b] x B[b]}, A [M,K], B [K,N], C [M,N], with element strides
 * for every operand axis and a two-level batch index b = (outer, inner): the shape of {@code
 * GemmArgs} in common.cuh.
 *
 * @param m          rows of A and C
 * @param n          columns of B and C
 * @param k          inner dimension
 * @param batch      number of products
 * @param batchInner the inner batch extent (b = outer * batchInner + inner); 1 for a plain batch
 * @param a          A operand
 * @param b          B operand (its "row" is k, "col" is n)
 * @param c          C operand
 * @param accumulate whether C is added to rather than overwritten
 * @param dtype      F32 or F64
 */
public record GemmCall(int m, int n, int k, int batch, int batchInner, Operand a, Operand b, Operand c,
                       boolean accumulate, DType dtype) {

    /**
     * A matrix operand: base address and strides (in elements) for the outer and inner batch
     * index, rows and columns.
     */
    public record Operand(long address, int batchOuter, int batchInner, int row, int col) {
    }

    /** {@code [B,M,K] x [B,K,N] -> [B,M,N]} of three rank-3 tensor views. */
    public static GemmCall of(Tensor a, Tensor b, Tensor out) {
        return new GemmCall(a.size(1), b.size(2), a.size(2), a.size(0), 1,
                new Operand(CudaOpContext.addr(a), a.stride(0), 0, a.stride(1), a.stride(2)),
                new Operand(CudaOpContext.addr(b), b.stride(0), 0, b.stride(1), b.stride(2)),
                new Operand(CudaOpContext.addr(out), out.stride(0), 0, out.stride(1), out.stride(2)), false, out.dtype());
    }

    /** The packed {@code GemmArgs} struct. */
    public byte[] pack() {
        return new StructPacker()
                .i32s(m, n, k, batch, batchInner)
                .i32s(a.batchOuter(), a.batchInner(), a.row(), a.col())
                .i32s(b.batchOuter(), b.batchInner(), b.row(), b.col())
                .i32s(c.batchOuter(), c.batchInner(), c.row(), c.col())
                .i32(accumulate ? 1 : 0).i32(0)
                .toBytes();
    }
}
