package org.cassl.nn.layers;

import org.cassl.autograd.Variable;
import org.cassl.nn.Layer;

/** {@code torch.nn.ReLU}: {@code max(x, 0)} elementwise; no parameters. */
public class ReLU extends Layer {
    @Override
    public Variable forward(Variable x) {
        return x.relu();
    }
}
