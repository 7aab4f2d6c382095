package org.cassl.autograd;

import org.cassl.tensor.Tensor;

/**
 * Result of differentiable ops that also return positions ({@code max(dim)}, {@code sort},
 * {@code topk}, {@code max_pool2d} with indices): the values carry gradients, the indices do not.
 *
 * @param values  the selected values (on the tape)
 * @param indices their positions (I64, a plain tensor)
 */
public record VariableIndices(Variable values, Tensor indices) {
}
