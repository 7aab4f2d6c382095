package org.cassl.tensor.cpu;

import org.cassl.tensor.Tensor;

/** GroupNorm and BatchNorm kernels. */
final class CpuNorm {
    private final Parallel par;

    CpuNorm(Parallel par) {
        this.par = par;
    }

    void groupNorm(Tensor x, Tensor weight, Tensor bias, int groups, double eps, Tensor out, Tensor mean, Tensor rstd) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    void groupNormBackward(Tensor gradOut, Tensor x, Tensor weight, Tensor mean, Tensor rstd, int groups, Tensor gradX,
                           Tensor gradW, Tensor gradB) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    void batchNorm(Tensor x, Tensor mean, Tensor invStd, Tensor weight, Tensor bias, Tensor out) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    void batchNormBackward(Tensor gradOut, Tensor x, Tensor mean, Tensor invStd, Tensor weight, boolean training,
                           Tensor gradX, Tensor gradW, Tensor gradB) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
