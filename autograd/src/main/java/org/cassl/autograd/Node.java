package org.cassl.autograd;

import org.cassl.tensor.Tensor;

/**
 * One recorded op on the tape: its inputs and the closure computing their gradients from the
 * output's gradient. The closure captures what the op saved for backward; {@link #release()}
 * drops it and the edges to the inputs once backward has run (unless the graph is retained).
 */
public final class Node {
    /** Gradients of the inputs given the output gradient; {@code needs[i]} says which are wanted. */
    @FunctionalInterface
    public interface Backward {
        Tensor[] apply(Tensor gradOut, boolean[] needs);
    }

    private static final Variable[] NO_INPUTS = new Variable[0];

    private final String op;
    private Variable[] inputs;
    private Backward backward;

    Node(String op, Variable[] inputs, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    public String op() {
        return op;
    }

    Variable[] inputs() {
        return inputs;
    }

    boolean released() {
        return backward == null;
    }

    Tensor[] apply(Tensor gradOut, boolean[] needs) {
        if (backward == null) {
            throw new IllegalStateException("backward through '" + op + "' a second time: the saved tensors were freed; "
                    + "pass retainGraph=true to the first backward");
        }
        return backward.apply(gradOut, needs);
    }

    /**
     * Drops what the op saved and its edges to its inputs: once backward has passed a node, the
     * tape no longer holds the variables before it (nor their data), so activations nothing
     * else refers to can be collected while backward goes on, as PyTorch frees its graph.
     */
    void release() {
        backward = null;
        inputs = NO_INPUTS;
    }
}
