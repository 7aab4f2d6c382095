package org.cassl.nn.layers;

import org.cassl.autograd.Variable;
import org.cassl.nn.Layer;
import org.cassl.autograd.Functional;
import org.cassl.tensor.Pool2dParams;

/** {@code torch.nn.MaxPool2d}; no parameters. */
public class MaxPool2d extends Layer {
    private final Pool2dParams params;

    /** Square window; PyTorch's {@code MaxPool2d(kernel_size, stride, padding)}. */
    public MaxPool2d(int kernel, int stride, int padding) {
        this(Pool2dParams.of(kernel, stride, padding));
    }

    public MaxPool2d(Pool2dParams params) {
        this.params = params;
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.maxPool2d(x, params);
    }

    public Pool2dParams params() {
        return params;
    }
}
