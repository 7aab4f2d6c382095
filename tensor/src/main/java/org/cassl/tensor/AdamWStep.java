package org.cassl.tensor;

/**
 * The scalars of one AdamW update of one tensor (PyTorch 1.13's single-tensor {@code adamw},
 * without amsgrad), as {@link Backend#adamwUpdate} applies them elementwise in the tensor's
 * dtype, each scalar rounded to that dtype first:
 * <pre>
 *   p  = p * decayScale
 *   m  = m * beta1 + g * (1 - beta1)
 *   v  = v * beta2 + (g * g) * (1 - beta2)
 *   p  = p + (m / (sqrt(v) / bc2Sqrt + eps)) * stepScale
 * </pre>
 *
 * @param decayScale {@code 1 - lr * weight_decay}
 * @param beta1      first-moment decay
 * @param beta2      second-moment decay
 * @param bc2Sqrt    {@code sqrt(1 - beta2^t)}
 * @param eps        added to the denominator
 * @param stepScale  {@code -lr / (1 - beta1^t)}
 */
public record AdamWStep(double decayScale, double beta1, double beta2, double bc2Sqrt, double eps, double stepScale) {
}
