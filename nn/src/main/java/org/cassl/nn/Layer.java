package org.cassl.nn;

import java.util.ArrayList;
import java.util.List;
import org.cassl.autograd.Variable;

/** A module with one input and one output, the kind {@link org.cassl.nn.layers.Sequential} chains. */
public abstract class Layer extends Module {
    /** Applies the layer; records onto the tape when grad mode is on and inputs require gradients. */
    public abstract Variable forward(Variable x);

    /**
     * This layer on several inputs (an FPN head's layer on every pyramid level): {@link #forward}
     * on each. Layers that can do better on all at once (a convolution with shared weights)
     * override it, with results equal to this.
     */
    public List<Variable> forwardAll(List<Variable> xs) {
        List<Variable> out = new ArrayList<>(xs.size());
        for (Variable x : xs) {
            out.add(forward(x));
        }
        return out;
    }
}
