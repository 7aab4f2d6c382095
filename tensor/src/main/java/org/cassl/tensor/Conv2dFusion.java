package org.cassl.tensor;

/**
 * What an inference-only convolution does besides the products (see
 * {@link NnOps#conv2dFused}): {@code relu?(conv2d(x, w * weightScale[k]) + bias[k] + residual)}.
 * A batch norm with fixed statistics after the convolution folds into {@code weightScale}
 * ({@code gamma / sqrt(var + eps)}) and {@code bias} ({@code beta - mean * weightScale}); the
 * residual is a ResNet block's identity, added before the final ReLU.
 *
 * @param weightScale per output channel factor of the weights, {@code [K]}, or null (1)
 * @param bias        per output channel bias {@code [K]}, or null
 * @param residual    a tensor of the output's shape added to it, or null
 * @param relu        whether ReLU ({@code x <= 0 ? 0 : x}) ends it
 */
public record Conv2dFusion(Tensor weightScale, Tensor bias, Tensor residual, boolean relu) {

    /**
     * The fused convolution composed of {@code backend}'s primitives, one pass each: the scaled
     * weights {@code w * weightScale}, the convolution with the bias, the residual added, ReLU.
     * {@link Backend#conv2dFused}'s default, and the reference a fused kernel is tested against.
     */
    public void compose(Backend backend, Tensor x, Tensor w, Conv2dParams p, Tensor out) {
        Tensor wf = weightScale == null ? w : w.mul(weightScale.reshape(w.size(0), 1, 1, 1));
        backend.conv2d(x, wf, bias, p, out);
        if (residual != null) {
            backend.binary(BinaryOp.ADD, out, residual, out);
        }
        if (relu) {
            backend.copy(out.relu(), out);
        }
    }
}
