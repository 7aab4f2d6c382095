package org.cassl.tensor.cpu;

import org.cassl.tensor.Pool2dParams;
import org.cassl.tensor.Tensor;

/** Max and average pooling, forward and backward. */
final class CpuPool {
    private final Parallel par;

    CpuPool(Parallel par) {
        this.par = par;
    }

    void maxPool(Tensor x, Pool2dParams p, Tensor out, Tensor indices) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    void maxPoolBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    void avgPool(Tensor x, Pool2dParams p, Tensor out) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    void avgPoolBackward(Tensor gradOut, Pool2dParams p, Tensor gradIn) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
