package org.cassl.nn.optim;

import java.util.Map;
import org.cassl.tensor.Tensor;

/**
 * An optimiser's state for checkpoints: per-parameter tensors keyed
 * {@code state.<index>.<name>} (index over all groups' parameters in order, as PyTorch's
 * {@code state_dict}), and JSON-able scalars (numbers, strings, lists and maps of them):
 * {@code type}, per-group {@code lr}/{@code initial_lr}/{@code weight_decay}/{@code size} and
 * per-parameter step counts.
 *
 * @param tensors per-parameter tensors (safetensors-ready)
 * @param scalars everything else, JSON-ready
 */
public record OptimizerState(Map<String, Tensor> tensors, Map<String, Object> scalars) {
    public OptimizerState {
        tensors = Map.copyOf(tensors);
        scalars = Map.copyOf(scalars);
    }
}
