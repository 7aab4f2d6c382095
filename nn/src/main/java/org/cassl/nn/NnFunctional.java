package org.cassl.nn;

import org.cassl.autograd.Tape;
import org.cassl.autograd.Variable;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.InterpolationMode;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.Pool2dParams;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.ValuesIndices;

/**
 * The differentiable ops the layers of this module use, in one place so layers do not depend on
 * how the autograd module spells them. Forward and backward are {@link NnOps}' kernels.
 */
public final class NnFunctional {
    private NnFunctional() {
    }

    /** {@code x [N,C,H,W]}, {@code w [K,C/g,kh,kw]}, {@code bias [K]} or null -> {@code [N,K,OH,OW]}. */
    public static Variable conv2d(Variable x, Variable w, Variable bias, Conv2dParams p) {
        Tensor xd = x.data();
        Tensor wd = w.data();
        Tensor out = NnOps.conv2d(xd, wd, bias == null ? null : bias.data(), p);
        return Tape.record("conv2d", out, (g, needs) -> new Tensor[] {
            needs[0] ? NnOps.conv2dBackwardInput(g, wd, xd.shape(), p) : null,
            needs[1] ? NnOps.conv2dBackwardWeight(g, xd, wd.shape(), p) : null,
            needs.length > 2 && needs[2] ? g.sum(new int[] {0, 2, 3}, false) : null}, inputs(x, w, bias));
    }

    /** Transposed convolution; {@code w [C, K/g, kh, kw]}, PyTorch's output size rule. */
    public static Variable convTranspose2d(Variable x, Variable w, Variable bias, Conv2dParams p, int outPadH,
                                           int outPadW) {
        Tensor xd = x.data();
        Tensor wd = w.data();
        Tensor out = NnOps.convTranspose2d(xd, wd, bias == null ? null : bias.data(), p, outPadH, outPadW);
        return Tape.record("conv_transpose2d", out, (g, needs) -> new Tensor[] {
            needs[0] ? NnOps.conv2d(g, wd, null, p) : null,
            needs[1] ? NnOps.conv2dBackwardWeight(xd, g, wd.shape(), p) : null,
            needs.length > 2 && needs[2] ? g.sum(new int[] {0, 2, 3}, false) : null}, inputs(x, w, bias));
    }

    /** {@code x [*, in] @ w[out, in]^T + bias[out]}. */
    public static Variable linear(Variable x, Variable w, Variable bias) {
        Variable y = x.matmul(w.transpose(0, 1));
        return bias == null ? y : y.add(bias);
    }

    public static Variable relu(Variable x) {
        Tensor out = x.data().relu();
        return Tape.record("relu", out, (g, needs) -> new Tensor[] {g.mul(out.gt(0).to(g.dtype()))}, x);
    }

    public static Variable maxPool2d(Variable x, Pool2dParams p) {
        Tensor xd = x.data();
        ValuesIndices r = NnOps.maxPool2d(xd, p);
        Tensor idx = r.indices();
        return Tape.record("max_pool2d", r.values(),
                (g, needs) -> new Tensor[] {NnOps.maxPool2dBackward(g, idx, xd.shape())}, x);
    }

    /** Resizes {@code x [N,C,H,W]} to {@code [N,C,outH,outW]}. */
    public static Variable interpolate(Variable x, int outH, int outW, InterpolationMode mode, boolean alignCorners) {
        Tensor xd = x.data();
        NnOps.InterpolationPlan plan = NnOps.plan(xd.size(2), xd.size(3), new int[] {outH, outW}, null, false);
        Tensor out = NnOps.interpolate(xd, plan, mode, alignCorners);
        return Tape.record("interpolate", out,
                (g, needs) -> new Tensor[] {NnOps.interpolateBackward(g, plan, mode, alignCorners, xd.shape())}, x);
    }

    /**
     * Batch norm over {@code x [N,C,*]}; in training mode the running statistics (when given) are
     * updated in place with {@code momentum}.
     */
    public static Variable batchNorm(Variable x, Tensor runningMean, Tensor runningVar, Variable weight, Variable bias,
                                     boolean training, double momentum, double eps) {
        Tensor xd = x.data();
        Tensor wd = weight == null ? null : weight.data();
        NnOps.NormResult r = NnOps.batchNorm(xd, runningMean, runningVar, wd, bias == null ? null : bias.data(),
                training, momentum, eps);
        return Tape.record("batch_norm", r.out(), (g, needs) -> NnOps.batchNormBackward(g, xd, wd, r, training,
                new boolean[] {needs[0], needs.length > 1 && needs[1], needs.length > 2 && needs[2]}),
                inputs(x, weight, bias));
    }

    public static Variable groupNorm(Variable x, int groups, Variable weight, Variable bias, double eps) {
        Tensor xd = x.data();
        Tensor wd = weight == null ? null : weight.data();
        NnOps.NormResult r = NnOps.groupNorm(xd, groups, wd, bias == null ? null : bias.data(), eps);
        return Tape.record("group_norm", r.out(), (g, needs) -> NnOps.groupNormBackward(g, xd, wd, r, groups,
                new boolean[] {needs[0], needs.length > 1 && needs[1], needs.length > 2 && needs[2]}),
                inputs(x, weight, bias));
    }

    /** Drops a trailing null so optional inputs never reach the tape as holes at the end. */
    private static Variable[] inputs(Variable a, Variable b, Variable c) {
        return c == null ? (b == null ? new Variable[] {a} : new Variable[] {a, b}) : new Variable[] {a, b, c};
    }
}
