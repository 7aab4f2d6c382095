package org.cassl.training.trainer;

import java.util.List;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.tensor.Generator;

/**
 * One training-mode forward pass: named scalar losses for a batch. All randomness inside the
 * model (e.g. sampling of mask-loss instances) must come from {@code rng}, which the trainer
 * derives from (seed, iteration) so that resumed runs repeat it exactly.
 *
 * @param <B> the sample type
 */
@FunctionalInterface
public interface LossFunction<B> {
    Map<String, Variable> losses(List<B> batch, Generator rng);
}
