package org.cassl.nn.layers;

import org.cassl.autograd.Variable;
import org.cassl.nn.Layer;
import org.cassl.tensor.Conv2dFusion;
import org.cassl.tensor.DType;
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
        int k = conv.outChannels();
        double[] gamma;
        double[] beta;
        double[] mean;
        double[] var;
        double eps;
        if (norm instanceof BatchNorm2d b) {
            gamma = host(b.weight().data());
            beta = host(b.bias().data());
            mean = host(b.runningMean());
            var = host(b.runningVar());
            eps = b.eps();
        } else if (norm instanceof FrozenBatchNorm2d f) {
            gamma = host(f.weight());
            beta = host(f.bias());
            mean = host(f.runningMean());
            var = host(f.runningVar());
            eps = f.eps();
        } else {
            throw new IllegalArgumentException("ConvNormFold: cannot fold " + norm.getClass().getSimpleName());
        }
        double[] convBias = conv.bias() == null ? null : host(conv.bias().data());
        double[] scale = new double[k];
        double[] shift = new double[k];
        for (int i = 0; i < k; i++) {
            scale[i] = gamma[i] / Math.sqrt(var[i] + eps);
            shift[i] = beta[i] + ((convBias == null ? 0 : convBias[i]) - mean[i]) * scale[i];
        }
        Conv2dFusion f = new Conv2dFusion(onto(scale, xt), onto(shift, xt), residual == null ? null : residual.data(),
                relu);
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

    private static double[] host(Tensor t) {
        return t.to(DType.F64).contiguous().toDoubleArray();
    }

    private static Tensor onto(double[] v, Tensor like) {
        return Tensor.of(v, v.length).to(like.dtype()).to(like.device());
    }
}
