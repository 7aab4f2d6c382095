package org.cassl.nn;

import org.cassl.autograd.Variable;

/** A module with one input and one output, the kind {@link org.cassl.nn.layers.Sequential} chains. */
public abstract class Layer extends Module {
    /** Applies the layer; records onto the tape when grad mode is on and inputs require gradients. */
    public abstract Variable forward(Variable x);
}
