package org.cassl.tensor;

/**
 * The scalars of one SGD update of one tensor (PyTorch 1.13's single-tensor {@code sgd}), as
 * {@link Backend#sgdUpdate} applies them elementwise in the tensor's dtype, each scalar rounded
 * to that dtype first:
 * <pre>
 *   d   = weightDecay != 0 ? g + p * weightDecay : g
 *   buf = first ? d : buf * momentum + d * (1 - dampening)     (only when momentum != 0)
 *   d   = momentum == 0 ? d : nesterov ? d + buf * momentum : buf
 *   p   = p + d * (-lr)
 * </pre>
 * A factor of exactly 1 is not multiplied by (as the composed tensor ops skip it).
 *
 * @param lr          the learning rate
 * @param weightDecay L2 penalty added to the gradient
 * @param momentum    momentum factor (0: no momentum buffer)
 * @param dampening   dampening of the momentum
 * @param nesterov    Nesterov momentum
 * @param first       whether this is the buffer's first step (it is set to {@code d})
 */
public record SgdStep(double lr, double weightDecay, double momentum, double dampening, boolean nesterov,
                      boolean first) {
}
