package org.cassl.autograd;

import java.util.function.Function;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.InterpolationMode;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.Pool2dParams;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;
import org.cassl.tensor.ValuesIndices;

/**
 * Neural-network ops on variables ({@code torch.nn.functional}): convolution, pooling,
 * interpolation, normalisation, softmax and a few composites (linear, BCE with
 * logits). Forward and backward call the kernels behind {@link NnOps}; optional operands
 * (bias, affine parameters) may be null.
 */
public final class Functional {
    private Functional() {
    }

    private static Tensor data(Variable v) {
        return v == null ? null : v.data();
    }

    // ---- convolution ---------------------------------------------------------------------

    /**
     * 2-D convolution: {@code x [N,C,H,W]}, {@code w [K,C/groups,kh,kw]}, {@code bias [K]} or null
     * -> {@code [N,K,OH,OW]}. Saves: x and w.
     */
    public static Variable conv2d(Variable x, Variable w, Variable bias, Conv2dParams p) {
        Tensor xt = x.data();
        Tensor wt = w.data();
        Tensor out = NnOps.conv2d(xt, wt, data(bias), p);
        return Tape.record("conv2d", out, (g, needs) -> new Tensor[] {
            needs[0] ? NnOps.conv2dBackwardInput(g, wt, xt.shape(), p) : null,
            needs[1] ? NnOps.conv2dBackwardWeight(g, xt, wt.shape(), p) : null,
            needs[2] ? g.sum(new int[] {0, 2, 3}, false) : null}, x, w, bias);
    }

    /**
     * Transposed convolution: {@code x [N,C,H,W]}, {@code w [C,K/groups,kh,kw]}, output
     * {@code [N,K,(H-1)*stride-2*pad+dil*(kh-1)+outPad+1, ...]}. Its input gradient is the
     * convolution of the output gradient with the same weight, its weight gradient the weight
     * gradient of that convolution with the roles of input and output swapped. Saves: x and w.
     */
    public static Variable convTranspose2d(Variable x, Variable w, Variable bias, Conv2dParams p, int outPadH,
                                           int outPadW) {
        Tensor xt = x.data();
        Tensor wt = w.data();
        Tensor out = NnOps.convTranspose2d(xt, wt, data(bias), p, outPadH, outPadW);
        return Tape.record("conv_transpose2d", out, (g, needs) -> {
            Tensor gx = null;
            if (needs[0]) {
                gx = NnOps.conv2d(g, wt, null, p);
                if (gx.size(2) != xt.size(2) || gx.size(3) != xt.size(3)) {
                    // output padding of at least the stride adds rows no input position reaches
                    gx = gx.narrow(2, 0, xt.size(2)).narrow(3, 0, xt.size(3)).contiguous();
                }
            }
            return new Tensor[] {gx,
                needs[1] ? NnOps.conv2dBackwardWeight(xt, g, wt.shape(), p) : null,
                needs[2] ? g.sum(new int[] {0, 2, 3}, false) : null};
        }, x, w, bias);
    }

    // ---- pooling -----------------------------------------------------------------------------

    /** Max pooling; the gradient goes to each window's first maximum. Saves: the argmax indices. */
    public static Variable maxPool2d(Variable x, Pool2dParams p) {
        return maxPool2dWithIndices(x, p).values();
    }

    /** Max pooling with the flat {@code h*W+w} position of each maximum. Saves: the indices. */
    public static VariableIndices maxPool2dWithIndices(Variable x, Pool2dParams p) {
        int[] in = x.shape();
        ValuesIndices r = NnOps.maxPool2d(x.data(), p);
        Tensor idx = r.indices();
        Variable v = Tape.record("max_pool2d", r.values(),
                (g, needs) -> new Tensor[] {NnOps.maxPool2dBackward(g, idx, in)}, x);
        return new VariableIndices(v, idx);
    }

    /** Average pooling ({@code ceil_mode}, {@code count_include_pad} in the params). Saves: the input shape. */
    public static Variable avgPool2d(Variable x, Pool2dParams p) {
        int[] in = x.shape();
        return Tape.record("avg_pool2d", NnOps.avgPool2d(x.data(), p),
                (g, needs) -> new Tensor[] {NnOps.avgPool2dBackward(g, p, in)}, x);
    }

    // ---- interpolation ----------------------------------------------------------------------

    /**
     * {@code F.interpolate} for {@code [N,C,H,W]}: exactly one of {@code size} ({@code {h, w}})
     * and {@code scaleFactor} ({@code {sh, sw}}) is non-null; see {@link NnOps#plan} for how
     * {@code recomputeScaleFactor} changes the coordinate mapping. Saves: the plan and input shape.
     */
    public static Variable interpolate(Variable x, int[] size, double[] scaleFactor, InterpolationMode mode,
                                       boolean alignCorners, boolean recomputeScaleFactor) {
        int[] in = x.shape();
        if (in.length != 4) {
            throw new org.cassl.tensor.ShapeMismatchException("interpolate: expected input of rank 4 [N,C,H,W], got "
                    + java.util.Arrays.toString(in));
        }
        NnOps.InterpolationPlan plan = NnOps.plan(in[2], in[3], size, scaleFactor, recomputeScaleFactor);
        return Tape.record("interpolate", NnOps.interpolate(x.data(), plan, mode, alignCorners),
                (g, needs) -> new Tensor[] {NnOps.interpolateBackward(g, plan, mode, alignCorners, in)}, x);
    }

    /** Resize to {@code [h, w]}. */
    public static Variable interpolate(Variable x, int h, int w, InterpolationMode mode, boolean alignCorners) {
        return interpolate(x, new int[] {h, w}, null, mode, alignCorners, false);
    }

    // ---- normalisation ------------------------------------------------------------------------

    /**
     * GroupNorm over {@code x [N,C,*]}; weight and bias ({@code [C]}) may be null.
     * Saves: x, weight and the per-group mean and rstd.
     */
    public static Variable groupNorm(Variable x, int groups, Variable weight, Variable bias, double eps) {
        Tensor xt = x.data();
        Tensor wt = data(weight);
        NnOps.NormResult r = NnOps.groupNorm(xt, groups, wt, data(bias), eps);
        return Tape.record("group_norm", r.out(),
                (g, needs) -> NnOps.groupNormBackward(g, xt, wt, r, groups, needs), x, weight, bias);
    }

    /**
     * BatchNorm over {@code x [N,C,*]}. Training: batch statistics, and the running statistics
     * (when given) are updated in place; evaluation: the running statistics, and the gradient
     * treats them as constants. Saves: x, weight and the mean and rstd used.
     */
    public static Variable batchNorm(Variable x, Tensor runningMean, Tensor runningVar, Variable weight, Variable bias,
                                     boolean training, double momentum, double eps) {
        Tensor xt = x.data();
        Tensor wt = data(weight);
        NnOps.NormResult r = NnOps.batchNorm(xt, runningMean, runningVar, wt, data(bias), training, momentum, eps);
        return Tape.record("batch_norm", r.out(),
                (g, needs) -> NnOps.batchNormBackward(g, xt, wt, r, training, needs), x, weight, bias);
    }

    /**
     * {@code relu?(batch_norm(x) + residual)} as one op (a ResNet block's {@code bn2 -> + identity
     * -> relu}, or {@code bn -> relu} with a null residual): the normalised values before the
     * activation are never stored, so the step keeps one tensor where the unfused ops keep two or
     * three, and the output pass does the add and ReLU. Values and gradients equal the unfused ops'
     * to the bit. Saves: x, weight, the mean and rstd used, and (with ReLU) the output.
     */
    public static Variable batchNormAct(Variable x, Tensor runningMean, Tensor runningVar, Variable weight,
                                        Variable bias, boolean training, double momentum, double eps,
                                        Variable residual, boolean relu) {
        Tensor xt = x.data();
        Tensor wt = data(weight);
        NnOps.NormResult r = NnOps.batchNorm(xt, runningMean, runningVar, wt, data(bias), training, momentum, eps,
                data(residual), relu);
        Tensor out = relu ? r.out() : null;
        NnOps.NormResult stats = new NnOps.NormResult(null, r.mean(), r.rstd());
        return Tape.record("batch_norm_act", r.out(), (g, needs) -> normActBackward(g, out, needs,
                gy -> NnOps.batchNormBackward(gy, xt, wt, stats, training, needs)), x, weight, bias, residual);
    }

    /**
     * {@code relu?(group_norm(x) + residual)} as one op (an FCOS tower's {@code GroupNorm -> ReLU}),
     * as {@link #batchNormAct}. Saves: x, weight, the per-group mean and rstd, and (with ReLU) the output.
     */
    public static Variable groupNormAct(Variable x, int groups, Variable weight, Variable bias, double eps,
                                        Variable residual, boolean relu) {
        Tensor xt = x.data();
        Tensor wt = data(weight);
        NnOps.NormResult r = NnOps.groupNorm(xt, groups, wt, data(bias), eps, data(residual), relu);
        Tensor out = relu ? r.out() : null;
        NnOps.NormResult stats = new NnOps.NormResult(null, r.mean(), r.rstd());
        return Tape.record("group_norm_act", r.out(), (g, needs) -> normActBackward(g, out, needs,
                gy -> NnOps.groupNormBackward(gy, xt, wt, stats, groups, needs)), x, weight, bias, residual);
    }

    /**
     * The backward of a fused norm (inputs x, weight, bias, residual): ReLU's mask from the saved
     * output {@code out} (null without ReLU), then the norm's backward on that gradient, which is
     * also the residual's.
     */
    private static Tensor[] normActBackward(Tensor g, Tensor out, boolean[] needs,
                                            Function<Tensor, Tensor[]> normBackward) {
        Tensor gy = out != null ? NnOps.reluBackward(out, g) : g;
        Tensor[] gn = needs[0] || needs[1] || needs[2] ? normBackward.apply(gy) : new Tensor[3];
        return new Tensor[] {gn[0], gn[1], gn[2], needs[3] ? gy : null};
    }

    // ---- softmax ------------------------------------------------------------------------------

    /** softmax along dim. Saves: the output. */
    public static Variable softmax(Variable x, int dim) {
        Tensor y = NnOps.softmax(x.data(), dim);
        return Tape.record("softmax", y,
                (g, needs) -> new Tensor[] {g.sub(g.mul(y).sum(dim, true)).mul(y)}, x);
    }

    /** log_softmax along dim. Saves: the output. */
    public static Variable logSoftmax(Variable x, int dim) {
        Tensor y = NnOps.logSoftmax(x.data(), dim);
        return Tape.record("log_softmax", y,
                (g, needs) -> new Tensor[] {g.sub(y.exp().mul(g.sum(dim, true)))}, x);
    }

    // ---- composites ---------------------------------------------------------------------------

    /** {@code x W^T + b}: {@code x [*, in]}, {@code w [out, in]}, {@code b [out]} or null. */
    public static Variable linear(Variable x, Variable w, Variable b) {
        Variable y = Linalg.matmul(x, Shaping.transpose(w, 0, 1));
        return b == null ? y : Arithmetic.add(y, b);
    }

    /**
     * PyTorch's {@code binary_cross_entropy_with_logits} with its numerically stable formula
     * {@code (1-t)*x + lw*(m + log(exp(-m) + exp(-x-m)))}, {@code m = max(-x, 0)},
     * {@code lw = (posWeight-1)*t + 1}. {@code weight} and {@code posWeight} (broadcastable, or
     * null) are constants. Saves: x, t, the softplus term and the weights.
     */
    public static Variable binaryCrossEntropyWithLogits(Variable input, Variable target, Tensor weight,
                                                        Tensor posWeight, LossReduction reduction) {
        Tensor x = input.data();
        Tensor t = target.data();
        if (!java.util.Arrays.equals(x.shape(), t.shape())) {
            throw new org.cassl.tensor.ShapeMismatchException("binary_cross_entropy_with_logits: target size "
                    + java.util.Arrays.toString(t.shape()) + " must be the same as input size "
                    + java.util.Arrays.toString(x.shape()));
        }
        if (reduction == null) {
            throw new TensorException("binary_cross_entropy_with_logits: reduction must not be null");
        }
        Tensor m = x.neg().clampMin(0);
        Tensor softplusNeg = m.neg().exp().add(x.neg().sub(m).exp()).log().add(m);
        Tensor lw = posWeight == null ? null : posWeight.sub(1).mul(t).add(1);
        Tensor loss = t.rsub(1).mul(x).add(lw == null ? softplusNeg : lw.mul(softplusNeg));
        if (weight != null) {
            loss = loss.mul(weight);
        }
        Variable perElement = Tape.record("binary_cross_entropy_with_logits", loss, (g, needs) -> {
            Tensor w = weight == null ? g : g.mul(weight);
            Tensor gx = null;
            Tensor gt = null;
            if (needs[0]) {
                Tensor d;
                if (posWeight == null) {
                    d = x.sigmoid().sub(t);
                } else {
                    Tensor pt = posWeight.mul(t);
                    d = pt.add(1).sub(t).mul(x.sigmoid()).sub(pt);
                }
                gx = Broadcast.sumTo(d.mul(w), x.shape());
            }
            if (needs[1]) {
                Tensor d = posWeight == null ? x.neg() : x.neg().add(posWeight.sub(1).mul(softplusNeg));
                gt = Broadcast.sumTo(d.mul(w), t.shape());
            }
            return new Tensor[] {gx, gt};
        }, input, target);
        return reduction.apply(perElement);
    }
}
