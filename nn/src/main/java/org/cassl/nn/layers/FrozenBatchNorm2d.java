package org.cassl.nn.layers;

import org.cassl.autograd.Variable;
import org.cassl.nn.Buffer;
import org.cassl.nn.Layer;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;

/**
 * torchvision 0.14's {@code FrozenBatchNorm2d}: batch norm with fixed statistics and affine
 * terms, all four of them buffers ({@code weight}, {@code bias}, {@code running_mean},
 * {@code running_var}); no parameters, the same output in training and evaluation mode.
 * {@code y = x * scale + (b - rm * scale)} with {@code scale = w * rsqrt(rv + eps)}, eps 1e-5.
 * Gradients flow to the input only.
 */
public class FrozenBatchNorm2d extends Layer {
    private final Buffer weight;
    private final Buffer bias;
    private final Buffer runningMean;
    private final Buffer runningVar;
    private final double eps;

    public FrozenBatchNorm2d(int channels) {
        this(channels, 1e-5);
    }

    public FrozenBatchNorm2d(int channels, double eps) {
        this.weight = registerBuffer("weight", Tensor.ones(channels));
        this.bias = registerBuffer("bias", Tensor.zeros(channels));
        this.runningMean = registerBuffer("running_mean", Tensor.zeros(channels));
        this.runningVar = registerBuffer("running_var", Tensor.ones(channels));
        this.eps = eps;
    }

    @Override
    public Variable forward(Variable x) {
        if (x.dim() != 4 || x.size(1) != weight.tensor().size(0)) {
            throw new ShapeMismatchException("FrozenBatchNorm2d: expected input [N, " + weight.tensor().size(0)
                    + ", H, W], got " + java.util.Arrays.toString(x.shape()));
        }
        int c = weight.tensor().size(0);
        Tensor scale = weight.tensor().mul(runningVar.tensor().add(eps).rsqrt());
        Tensor shift = bias.tensor().sub(runningMean.tensor().mul(scale));
        return x.mul(Variable.of(scale.reshape(1, c, 1, 1).to(x.dtype())))
                .add(Variable.of(shift.reshape(1, c, 1, 1).to(x.dtype())));
    }

    public Tensor weight() {
        return weight.tensor();
    }

    public Tensor bias() {
        return bias.tensor();
    }

    public Tensor runningMean() {
        return runningMean.tensor();
    }

    public Tensor runningVar() {
        return runningVar.tensor();
    }

    public double eps() {
        return eps;
    }
}
