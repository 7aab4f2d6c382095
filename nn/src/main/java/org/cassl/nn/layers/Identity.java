package org.cassl.nn.layers;

import org.cassl.autograd.Variable;
import org.cassl.nn.Layer;

/** {@code torch.nn.Identity}: returns its input. */
public class Identity extends Layer {
    @Override
    public Variable forward(Variable x) {
        return x;
    }
}
