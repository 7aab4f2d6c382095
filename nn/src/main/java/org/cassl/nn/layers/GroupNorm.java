package org.cassl.nn.layers;

import org.cassl.autograd.Variable;
import org.cassl.nn.Layer;
import org.cassl.autograd.Functional;
import org.cassl.nn.Parameter;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * {@code torch.nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=True)}: per-sample
 * normalisation over groups of channels; {@code weight} ones and {@code bias} zeros of shape
 * {@code [C]} when affine. Input {@code [N, C, *]}.
 */
public class GroupNorm extends Layer {
    private final int groups;
    private final Parameter weight;
    private final Parameter bias;
    private final double eps;

    public GroupNorm(int groups, int channels) {
        this(groups, channels, 1e-5, true);
    }

    public GroupNorm(int groups, int channels, double eps, boolean affine) {
        if (groups < 1 || channels % groups != 0) {
            throw new TensorException("GroupNorm: num_channels " + channels + " must be divisible by num_groups " + groups);
        }
        this.groups = groups;
        this.eps = eps;
        this.weight = affine ? registerParameter("weight", Tensor.ones(channels)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(channels)) : null;
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.groupNorm(x, groups, weight == null ? null : weight.variable(),
                bias == null ? null : bias.variable(), eps);
    }

    /**
     * {@code relu?(this(x) + residual)} as one op ({@link Functional#groupNormAct}), equal to the
     * three applied one after another; {@code residual} may be null.
     */
    public Variable forward(Variable x, Variable residual, boolean relu) {
        return Functional.groupNormAct(x, groups, weight == null ? null : weight.variable(),
                bias == null ? null : bias.variable(), eps, residual, relu);
    }

    public int groups() {
        return groups;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }
}
