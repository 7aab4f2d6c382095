package org.cassl.tensor.cpu;

import org.cassl.tensor.Tensor;

/** Batched float32/float64 matrix multiplication. */
public final class CpuGemm {
    private final Parallel par;
    private final boolean vectorized;

    CpuGemm(Parallel par, boolean vectorized) {
        this.par = par;
        this.vectorized = vectorized;
    }

    /** {@code out [B,M,N] = a [B,M,K] x b [B,K,N]}; a and b may be any strided views. */
    void matmul(Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
