package org.cassl.autograd;

/** How a loss combines its per-element values, as PyTorch's {@code reduction} argument. */
public enum LossReduction {
    /** Per-element losses, same shape as the input. */
    NONE,
    /** Mean over all elements. */
    MEAN,
    /** Sum over all elements. */
    SUM;

    /** Applies this reduction to per-element losses. */
    public Variable apply(Variable loss) {
        switch (this) {
            case MEAN: return loss.mean();
            case SUM: return loss.sum();
            default: return loss;
        }
    }
}
