package org.cassl.tensor.cpu;

import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Tensor;

/** 2-D convolution forward and both backward passes on top of {@link CpuGemm}. */
final class CpuConv {
    private final Parallel par;
    private final CpuGemm gemm;

    CpuConv(Parallel par, CpuGemm gemm) {
        this.par = par;
        this.gemm = gemm;
    }

    void forward(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor out) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    void backwardInput(Tensor gradOut, Tensor w, Conv2dParams p, Tensor gradIn) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    void backwardWeight(Tensor gradOut, Tensor x, Conv2dParams p, Tensor gradW) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
