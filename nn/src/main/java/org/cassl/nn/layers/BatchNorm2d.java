package org.cassl.nn.layers;

import org.cassl.autograd.Variable;
import org.cassl.nn.Buffer;
import org.cassl.nn.Layer;
import org.cassl.autograd.Functional;
import org.cassl.nn.Parameter;
import org.cassl.tensor.DType;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;

/**
 * {@code torch.nn.BatchNorm2d} (affine, tracking running statistics): parameters {@code weight}
 * (ones) and {@code bias} (zeros), buffers {@code running_mean}, {@code running_var} and the I64
 * scalar {@code num_batches_tracked}. Training mode normalises with the batch statistics and
 * updates the running ones ({@code momentum}, unbiased variance); evaluation mode uses the running
 * statistics. Input {@code [N, C, H, W]}.
 */
public class BatchNorm2d extends Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final Buffer runningMean;
    private final Buffer runningVar;
    private final Buffer numBatchesTracked;
    private final double eps;
    private final double momentum;

    /** eps 1e-5, momentum 0.1, PyTorch's defaults. */
    public BatchNorm2d(int channels) {
        this(channels, 1e-5, 0.1);
    }

    public BatchNorm2d(int channels, double eps, double momentum) {
        this.weight = registerParameter("weight", Tensor.ones(channels));
        this.bias = registerParameter("bias", Tensor.zeros(channels));
        this.runningMean = registerBuffer("running_mean", Tensor.zeros(channels));
        this.runningVar = registerBuffer("running_var", Tensor.ones(channels));
        this.numBatchesTracked = registerBuffer(NUM_BATCHES_TRACKED, Tensor.scalar(0, DType.I64));
        this.eps = eps;
        this.momentum = momentum;
    }

    @Override
    public Variable forward(Variable x) {
        return forward(x, null, false);
    }

    /**
     * {@code relu?(this(x) + residual)} as one op ({@link Functional#batchNormAct}): equal to the
     * norm, the add and the ReLU applied one after another, with one stored tensor instead of up
     * to three. {@code residual} may be null.
     */
    public Variable forward(Variable x, Variable residual, boolean relu) {
        if (x.dim() != 4) {
            throw new ShapeMismatchException("BatchNorm2d: expected 4D input, got input of shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        Variable y = residual == null && !relu
                ? Functional.batchNorm(x, runningMean.tensor(), runningVar.tensor(), weight.variable(), bias.variable(),
                        isTraining(), momentum, eps)
                : Functional.batchNormAct(x, runningMean.tensor(), runningVar.tensor(), weight.variable(),
                        bias.variable(), isTraining(), momentum, eps, residual, relu);
        if (isTraining()) {
            Tensor n = numBatchesTracked.tensor();
            n.fill(n.item() + 1);
        }
        return y;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public Tensor runningMean() {
        return runningMean.tensor();
    }

    public Tensor runningVar() {
        return runningVar.tensor();
    }

    /** Number of training-mode forward passes so far. */
    public long numBatchesTracked() {
        return (long) numBatchesTracked.tensor().item();
    }

    public double eps() {
        return eps;
    }

    public double momentum() {
        return momentum;
    }
}
