package org.cassl.nn.layers;

import org.cassl.autograd.Variable;
import org.cassl.nn.Layer;
import org.cassl.tensor.Conv2dFusion;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.Tensor;

/**
 * A convolution followed by a batch norm with fixed statistics ({@link BatchNorm2d} in
 * evaluation mode, {@link FrozenBatchNorm2d}) as one convolution: weights
 * {@code w * gamma / sqrt(var + eps)}, bias {@code beta + (b - mean) * gamma / sqrt(var + eps)},
 * and optionally a residual added and ReLU, all in the convolution's output pass
 * ({@link NnOps#conv2dFused}). The fold is recomputed on every call from the current parameters
 * and statistics (a few vectors of {@code [C]}; the scaled weights exist only in the
 * convolution's packed copy), so it can never be stale. Inference only: the result records no
 * gradient, and callers check {@link org.cassl.nn.FastInference#applies} first.
 */
public final class ConvNormFold {
    private ConvNormFold() {
    }

    /** Whether every one of {@code norms} is a kind of normalisation that folds. */
    public static boolean folds(Layer... norms) {
        for (Layer n : norms) {
            if (!(n instanceof BatchNorm2d) && !(n instanceof FrozenBatchNorm2d)) {
                return false;
            }
        }
        return true;
    }

    /** {@code relu?(norm(conv(x)) + residual)} as one convolution; {@code residual} may be null. */
    public static Variable forward(Conv2d conv, Layer norm, Variable x, Variable residual, boolean relu) {
        Tensor xt = x.data();
        Tensor gamma;
        Tensor beta;
        Tensor mean;
        Tensor var;
        double eps;
        if (norm instanceof BatchNorm2d b) {
            gamma = b.weight().data();
            beta = b.bias().data();
            mean = b.runningMean();
            var = b.runningVar();
            eps = b.eps();
        } else if (norm instanceof FrozenBatchNorm2d f) {
            gamma = f.weight();
            beta = f.bias();
            mean = f.runningMean();
            var = f.runningVar();
            eps = f.eps();
        } else {
            throw new IllegalArgumentException("ConvNormFold: cannot fold " + norm.getClass().getSimpleName());
        }
        // a few [C] vectors, computed where the weights live: no copy to the host on a GPU
        Tensor scale = gamma.mul(var.add(eps).rsqrt());
        Tensor centred = conv.bias() == null ? mean.mul(-1) : conv.bias().data().sub(mean);
        Tensor shift = beta.add(centred.mul(scale));
        Conv2dFusion f = new Conv2dFusion(scale.to(xt.dtype()), shift.to(xt.dtype()),
                residual == null ? null : residual.data(), relu);
        return Variable.of(NnOps.conv2dFused(xt, conv.weight().data(), f, conv.params()));
    }

    /**
     * A ResNet {@code downsample}: folded when it is {@code Sequential(Conv2d, norm that folds)},
     * else its plain forward.
     */
    public static Variable forward(Sequential convNorm, Variable x) {
        if (convNorm.size() == 2 && convNorm.get(0) instanceof Conv2d c && folds(convNorm.get(1))) {
            return forward(c, convNorm.get(1), x, null, false);
        }
        return convNorm.forward(x);
    }
}
