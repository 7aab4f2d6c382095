package org.cassl.nn.layers;

import org.cassl.autograd.Variable;
import org.cassl.nn.Init;
import org.cassl.nn.Layer;
import org.cassl.autograd.Functional;
import org.cassl.nn.Parameter;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * {@code torch.nn.ConvTranspose2d}: {@code weight [in, out/groups, kh, kw]}, optional
 * {@code bias [out]}, PyTorch's default initialisation (fan_in taken from {@code weight.size(1)}
 * as PyTorch does). Output size {@code (H-1)*stride - 2*pad + dil*(k-1) + output_padding + 1}.
 */
public class ConvTranspose2d extends Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final Conv2dParams params;
    private final int outputPadding;

    /** Square kernel with stride and padding, no output padding, with bias. */
    public ConvTranspose2d(int in, int out, int kernel, int stride, int padding) {
        this(in, out, kernel, Conv2dParams.of(stride, padding, 1, 1), 0, true, Init.defaultGenerator());
    }

    public ConvTranspose2d(int in, int out, int kernel, Conv2dParams params, int outputPadding, boolean bias,
                           Generator gen) {
        if (in < 1 || out < 1 || kernel < 1) {
            throw new TensorException("ConvTranspose2d: channels and kernel size must be positive, got in=" + in + " out="
                    + out + " kernel=" + kernel);
        }
        if (in % params.groups() != 0 || out % params.groups() != 0) {
            throw new TensorException("ConvTranspose2d: in_channels " + in + " and out_channels " + out
                    + " must be divisible by groups " + params.groups());
        }
        if (outputPadding < 0 || outputPadding >= Math.max(params.strideH(), params.dilationH())) {
            throw new TensorException("ConvTranspose2d: output_padding " + outputPadding
                    + " must be smaller than either stride or dilation");
        }
        this.params = params;
        this.outputPadding = outputPadding;
        this.weight = registerParameter("weight", Tensor.zeros(in, out / params.groups(), kernel, kernel));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(out)) : null;
        Init.defaultLayerInit(weight.data(), bias ? this.bias.data() : null, gen);
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.convTranspose2d(x, weight.variable(), bias == null ? null : bias.variable(), params,
                outputPadding, outputPadding);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }
}
