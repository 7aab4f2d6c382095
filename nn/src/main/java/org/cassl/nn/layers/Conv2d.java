package org.cassl.nn.layers;

import java.util.ArrayList;
import java.util.List;
import org.cassl.autograd.GradMode;
import org.cassl.autograd.Variable;
import org.cassl.nn.Init;
import org.cassl.nn.Layer;
import org.cassl.autograd.Functional;
import org.cassl.nn.Parameter;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * {@code torch.nn.Conv2d}: parameters {@code weight [out, in/groups, kh, kw]} and optional
 * {@code bias [out]}, initialised like PyTorch ({@code kaiming_uniform_(a=sqrt(5))}, bias uniform in
 * {@code ±1/sqrt(fan_in)}). Forward: {@code [N, in, H, W] -> [N, out, OH, OW]}.
 */
public class Conv2d extends Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final Conv2dParams params;

    /** Square kernel, stride 1, no padding, with bias. */
    public Conv2d(int in, int out, int kernel) {
        this(in, out, kernel, 1, 0, true);
    }

    /** Square kernel with the given stride and padding. */
    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias) {
        this(in, out, kernel, kernel, Conv2dParams.of(stride, padding, 1, 1), bias, Init.defaultGenerator());
    }

    /** Full form; weights drawn from {@code gen}. */
    public Conv2d(int in, int out, int kernelH, int kernelW, Conv2dParams params, boolean bias, Generator gen) {
        if (in < 1 || out < 1 || kernelH < 1 || kernelW < 1) {
            throw new TensorException("Conv2d: channels and kernel size must be positive, got in=" + in + " out=" + out
                    + " kernel=" + kernelH + "x" + kernelW);
        }
        if (in % params.groups() != 0 || out % params.groups() != 0) {
            throw new TensorException("Conv2d: in_channels " + in + " and out_channels " + out
                    + " must be divisible by groups " + params.groups());
        }
        this.params = params;
        this.weight = registerParameter("weight", Tensor.zeros(out, in / params.groups(), kernelH, kernelW));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(out)) : null;
        Init.defaultLayerInit(weight.data(), bias ? this.bias.data() : null, gen);
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.conv2d(x, weight.variable(), bias == null ? null : bias.variable(), params);
    }

    /**
     * This convolution on several inputs (an FPN head's on every pyramid level). Where nothing is
     * recorded (inference) it is one {@link NnOps#conv2dShared} call, which the CPU runs with the
     * small inputs side by side in one product; else each input's {@link #forward}. Either way
     * equal to {@code forward} on each input.
     */
    @Override
    public List<Variable> forwardAll(List<Variable> xs) {
        if (GradMode.isEnabled()) {
            return super.forwardAll(xs);
        }
        List<Variable> out = new ArrayList<>();
        List<Tensor> data = new ArrayList<>();
        for (Variable x : xs) {
            data.add(x.data());
        }
        for (Tensor t : NnOps.conv2dShared(data, weight.data(), bias == null ? null : bias.data(), params)) {
            out.add(Variable.of(t));
        }
        return out;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when built without one. */
    public Parameter bias() {
        return bias;
    }

    public Conv2dParams params() {
        return params;
    }

    public int inChannels() {
        return weight.shape()[1] * params.groups();
    }

    public int outChannels() {
        return weight.shape()[0];
    }
}
