package org.cassl.nn.layers;

import org.cassl.autograd.Variable;
import org.cassl.nn.Init;
import org.cassl.nn.Layer;
import org.cassl.autograd.Functional;
import org.cassl.nn.Parameter;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * {@code torch.nn.Linear}: {@code weight [out, in]}, optional {@code bias [out]}, PyTorch's default
 * initialisation; {@code [*, in] -> [*, out]}.
 */
public class Linear extends Layer {
    private final Parameter weight;
    private final Parameter bias;

    public Linear(int in, int out) {
        this(in, out, true, Init.defaultGenerator());
    }

    public Linear(int in, int out, boolean bias, Generator gen) {
        if (in < 1 || out < 1) {
            throw new TensorException("Linear: features must be positive, got in=" + in + " out=" + out);
        }
        this.weight = registerParameter("weight", Tensor.zeros(out, in));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(out)) : null;
        Init.defaultLayerInit(weight.data(), bias ? this.bias.data() : null, gen);
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.linear(x, weight.variable(), bias == null ? null : bias.variable());
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }
}
