package org.cassl.tensor.cpu;

import org.cassl.tensor.InterpolationMode;
import org.cassl.tensor.Tensor;

/** Nearest and bilinear resizing with PyTorch's coordinate rules, and their adjoints. */
final class CpuInterpolate {
    private final Parallel par;

    CpuInterpolate(Parallel par) {
        this.par = par;
    }

    void forward(Tensor x, InterpolationMode mode, boolean alignCorners, double scaleH, double scaleW, Tensor out) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    void backward(Tensor gradOut, InterpolationMode mode, boolean alignCorners, double scaleH, double scaleW,
                  Tensor gradIn) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
