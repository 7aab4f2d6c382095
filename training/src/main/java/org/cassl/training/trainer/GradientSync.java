package org.cassl.training.trainer;

import java.util.List;
import org.cassl.nn.Parameter;

/**
 * Data-parallel training hook: called by the {@link Trainer} once per step between backward and
 * gradient clipping / the optimiser step. An implementation replaces every parameter's gradient by
 * the mean over all replicas (an all-reduce), so that every replica applies the same update. The
 * default, {@link #NONE}, is a single replica.
 */
public interface GradientSync {
    /** One replica: gradients stay as they are. */
    GradientSync NONE = params -> {
    };

    /**
     * Averages the gradients of {@code params} (same order and shapes on every replica) over all
     * replicas, in place. A parameter without a gradient counts as a zero gradient.
     */
    void allReduce(List<Parameter> params);

    /** Whether this replica writes checkpoints (one replica, rank 0, does; the others only read them to resume). */
    default boolean writesCheckpoints() {
        return true;
    }
}
