package org.cassl.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Neural-network ops on tensors (no gradients here): convolution, pooling, interpolation,
 * normalisation and softmax. The autograd module calls the forward and backward functions of
 * this class from its derivative rules.
 */
public final class NnOps {
    private NnOps() {
    }

    private static void checkFloat(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && !t.dtype().isFloatingPoint()) {
                throw new DTypeMismatchException(op + ": expected floating point tensors, got " + t.dtype());
            }
        }
    }

    private static void checkSameDtype(String op, Tensor ref, Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && t.dtype() != ref.dtype()) {
                throw new DTypeMismatchException(op + ": expected all tensors of dtype " + ref.dtype() + ", got " + t.dtype());
            }
        }
    }

    private static void checkRank(String op, String what, Tensor t, int rank) {
        if (t.dim() != rank) {
            throw new ShapeMismatchException(op + ": expected " + what + " of rank " + rank + ", got shape "
                    + Shapes.str(t.shape()));
        }
    }

    /** Operands of an elementwise update: non-null, on one device, each of {@code ref}'s shape and dtype. */
    private static void checkElementwise(String op, String refName, Tensor ref, String otherName, Tensor... others) {
        Tensor[] all = new Tensor[others.length + 1];
        all[0] = ref;
        System.arraycopy(others, 0, all, 1, others.length);
        Ops.checkNotNull(op, all);
        Ops.checkSameDevice(op, all);
        for (Tensor t : others) {
            if (!Arrays.equals(ref.shape(), t.shape()) || ref.dtype() != t.dtype()) {
                throw new ShapeMismatchException(op + ": " + refName + " " + Shapes.str(ref.shape()) + " " + ref.dtype()
                        + " and " + otherName + " " + Shapes.str(t.shape()) + " " + t.dtype() + " differ");
            }
        }
    }

    // ---- activations --------------------------------------------------------------------------

    /**
     * The gradient of {@code y = relu(x)} from its output: {@code g} where {@code y > 0}, else 0
     * ({@code y} and {@code g} of one shape and dtype).
     */
    public static Tensor reluBackward(Tensor y, Tensor g) {
        checkElementwise("relu_backward", "output", y, "gradient", g);
        Tensor out = Tensor.zeros(g.dtype(), g.device(), g.shape());
        g.backend().reluBackward(y, g, out);
        return out;
    }

    // ---- optimizer updates --------------------------------------------------------------------

    /**
     * {@link Backend#adamwUpdate}: updates {@code param}, {@code expAvg} and {@code expAvgSq} in
     * place (each of one shape, dtype and device with {@code grad}).
     */
    public static void adamwUpdate(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, AdamWStep s) {
        checkElementwise("adamw_update", "parameter", param, "gradient or state", grad, expAvg, expAvgSq);
        checkFloat("adamw_update", param);
        param.backend().adamwUpdate(param, grad, expAvg, expAvgSq, s);
    }

    /**
     * {@link Backend#sgdUpdate}: updates {@code param} and, when the step has a momentum,
     * {@code momentumBuffer} in place (each of one shape, dtype and device with {@code grad}).
     */
    public static void sgdUpdate(Tensor param, Tensor grad, Tensor momentumBuffer, SgdStep s) {
        if (s.momentum() != 0) {
            checkElementwise("sgd_update", "parameter", param, "gradient or momentum buffer", grad, momentumBuffer);
        } else {
            checkElementwise("sgd_update", "parameter", param, "gradient", grad);
        }
        checkFloat("sgd_update", param);
        param.backend().sgdUpdate(param, grad, momentumBuffer, s);
    }

    /**
     * {@link Backend#emaUpdate}: {@code avg = avg * decay + x * (1 - decay)} in place of {@code avg}
     * (one shape, floating dtype and device with {@code x}).
     */
    public static void emaUpdate(Tensor avg, Tensor x, double decay) {
        checkElementwise("ema_update", "average", avg, "weight", x);
        checkFloat("ema_update", avg);
        avg.backend().emaUpdate(avg, x, decay);
    }

    // ---- convolution --------------------------------------------------------------------------

    /** {@code x [N,C,H,W]}, {@code w [K,C/g,kh,kw]}, optional {@code bias [K]} -> {@code [N,K,OH,OW]}. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
        Tensor out = conv2dOutput(x, w, bias, p);
        x.backend().conv2d(x, w, bias, p, out);
        return out;
    }

    /**
     * Inference-only convolution with an epilogue: {@code relu?(conv2d(x, w * f.weightScale[k]) +
     * f.bias[k] + f.residual)} (see {@link Conv2dFusion}); a folded batch norm and a ResNet block's
     * residual and ReLU in one pass over the output. It has no gradient: autograd callers use it
     * only where nothing is recorded.
     */
    public static Tensor conv2dFused(Tensor x, Tensor w, Conv2dFusion f, Conv2dParams p) {
        if (f == null) {
            throw new TensorException("conv2d_fused: the fusion must not be null");
        }
        Ops.checkNotNull("conv2d_fused", x, w);
        Ops.checkSameDevice("conv2d_fused", x, f.weightScale(), f.residual());
        checkSameDtype("conv2d_fused", x, f.weightScale(), f.residual());
        Tensor out = conv2dOutput(x, w, f.bias(), p);
        int k = w.size(0);
        if (f.weightScale() != null && (f.weightScale().dim() != 1 || f.weightScale().size(0) != k)) {
            throw new ShapeMismatchException("conv2d_fused: weight scale of shape " + Shapes.str(f.weightScale().shape())
                    + " does not match " + k + " output channels");
        }
        if (f.residual() != null && !Arrays.equals(f.residual().shape(), out.shape())) {
            throw new ShapeMismatchException("conv2d_fused: residual of shape " + Shapes.str(f.residual().shape())
                    + " does not match the output " + Shapes.str(out.shape()));
        }
        x.backend().conv2dFused(x, w, f, p, out);
        return out;
    }

    /**
     * Inference-only: {@code conv2d(xs[i], w, bias, p)} for every input, one convolution applied to
     * several inputs (an FPN head's convolution on every pyramid level). Equal to convolving each
     * input alone; a backend may run small inputs side by side in one product (the CPU does). No
     * gradient: autograd callers use it only where nothing is recorded.
     */
    public static List<Tensor> conv2dShared(List<Tensor> xs, Tensor w, Tensor bias, Conv2dParams p) {
        if (xs == null || xs.isEmpty()) {
            throw new TensorException("conv2d_shared: at least one input is needed");
        }
        List<Tensor> outs = new ArrayList<>();
        for (Tensor x : xs) {
            Ops.checkSameDevice("conv2d_shared", xs.get(0), x);
            checkSameDtype("conv2d_shared", xs.get(0), x);
            outs.add(conv2dOutput(x, w, bias, p));
        }
        xs.get(0).backend().conv2dShared(xs, w, bias, p, outs);
        return outs;
    }

    /** Validates a convolution's operands and allocates its (zeroed) output. */
    private static Tensor conv2dOutput(Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
        Ops.checkNotNull("conv2d", x, w);
        Ops.checkSameDevice("conv2d", x, w, bias);
        checkFloat("conv2d", x, w, bias);
        checkSameDtype("conv2d", x, w, bias);
        checkRank("conv2d", "input", x, 4);
        checkRank("conv2d", "weight", w, 4);
        int c = x.size(1);
        int k = w.size(0);
        if (c % p.groups() != 0 || k % p.groups() != 0 || w.size(1) * p.groups() != c) {
            throw new ShapeMismatchException("conv2d: weight " + Shapes.str(w.shape()) + " with groups=" + p.groups()
                    + " expects " + (w.size(1) * p.groups()) + " input channels, got input " + Shapes.str(x.shape()));
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != k)) {
            throw new ShapeMismatchException("conv2d: bias of shape " + Shapes.str(bias.shape()) + " does not match " + k
                    + " output channels");
        }
        int oh = p.outH(x.size(2), w.size(2));
        int ow = p.outW(x.size(3), w.size(3));
        if (oh <= 0 || ow <= 0) {
            throw new ShapeMismatchException("conv2d: input " + Shapes.str(x.shape()) + " is too small for kernel "
                    + w.size(2) + "x" + w.size(3) + " with padding (" + p.padH() + "," + p.padW() + ") and dilation ("
                    + p.dilationH() + "," + p.dilationW() + ")");
        }
        return Tensor.zeros(x.dtype(), x.device(), x.size(0), k, oh, ow);
    }

    /** Gradient of conv2d with respect to an input of shape {@code inputShape}. */
    public static Tensor conv2dBackwardInput(Tensor gradOut, Tensor w, int[] inputShape, Conv2dParams p) {
        Tensor gradIn = Tensor.zeros(gradOut.dtype(), gradOut.device(), inputShape);
        gradOut.backend().conv2dBackwardInput(gradOut, w, p, gradIn);
        return gradIn;
    }

    /** Gradient of conv2d with respect to a weight of shape {@code weightShape}. */
    public static Tensor conv2dBackwardWeight(Tensor gradOut, Tensor x, int[] weightShape, Conv2dParams p) {
        Tensor gradW = Tensor.zeros(gradOut.dtype(), gradOut.device(), weightShape);
        gradOut.backend().conv2dBackwardWeight(gradOut, x, p, gradW);
        return gradW;
    }

    /**
     * Transposed convolution (PyTorch's conv_transpose2d): {@code x [N,C,H,W]},
     * {@code w [C, K/g, kh, kw]}, output size {@code (H-1)*stride - 2*pad + dil*(k-1) + outPad + 1}.
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p, int outPadH, int outPadW) {
        Ops.checkNotNull("conv_transpose2d", x, w);
        Ops.checkSameDevice("conv_transpose2d", x, w, bias);
        checkFloat("conv_transpose2d", x, w, bias);
        checkSameDtype("conv_transpose2d", x, w, bias);
        checkRank("conv_transpose2d", "input", x, 4);
        checkRank("conv_transpose2d", "weight", w, 4);
        if (w.size(0) != x.size(1)) {
            throw new ShapeMismatchException("conv_transpose2d: weight " + Shapes.str(w.shape()) + " expects " + w.size(0)
                    + " input channels, got input " + Shapes.str(x.shape()));
        }
        if (outPadH >= Math.max(p.strideH(), p.dilationH()) || outPadW >= Math.max(p.strideW(), p.dilationW())
                || outPadH < 0 || outPadW < 0) {
            throw new TensorException("conv_transpose2d: output padding (" + outPadH + "," + outPadW
                    + ") must be smaller than either stride or dilation");
        }
        int k = w.size(1) * p.groups();
        int oh = (x.size(2) - 1) * p.strideH() - 2 * p.padH() + p.dilationH() * (w.size(2) - 1) + outPadH + 1;
        int ow = (x.size(3) - 1) * p.strideW() - 2 * p.padW() + p.dilationW() * (w.size(3) - 1) + outPadW + 1;
        if (oh <= 0 || ow <= 0) {
            throw new ShapeMismatchException("conv_transpose2d: output size " + oh + "x" + ow + " is not positive");
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != k)) {
            throw new ShapeMismatchException("conv_transpose2d: bias of shape " + Shapes.str(bias.shape())
                    + " does not match " + k + " output channels");
        }
        Tensor out = conv2dBackwardInput(x, w, new int[] {x.size(0), k, oh, ow}, p);
        if (bias != null) {
            out.addInPlace(bias.reshape(1, k, 1, 1));
        }
        return out;
    }

    // ---- pooling ------------------------------------------------------------------------------

    public static ValuesIndices maxPool2d(Tensor x, Pool2dParams p) {
        Ops.checkNotNull("max_pool2d", x);
        checkRank("max_pool2d", "input", x, 4);
        int oh = p.outH(x.size(2));
        int ow = p.outW(x.size(3));
        if (oh <= 0 || ow <= 0) {
            throw new ShapeMismatchException("max_pool2d: output size " + oh + "x" + ow + " is too small for input "
                    + Shapes.str(x.shape()));
        }
        Tensor out = Tensor.zeros(x.dtype(), x.device(), x.size(0), x.size(1), oh, ow);
        Tensor idx = Tensor.zeros(DType.I64, x.device(), x.size(0), x.size(1), oh, ow);
        x.backend().maxPool2d(x, p, out, idx);
        return new ValuesIndices(out, idx);
    }

    public static Tensor maxPool2dBackward(Tensor gradOut, Tensor indices, int[] inputShape) {
        Tensor gradIn = Tensor.zeros(gradOut.dtype(), gradOut.device(), inputShape);
        gradOut.backend().maxPool2dBackward(gradOut, indices, gradIn);
        return gradIn;
    }

    public static Tensor avgPool2d(Tensor x, Pool2dParams p) {
        Ops.checkNotNull("avg_pool2d", x);
        checkFloat("avg_pool2d", x);
        checkRank("avg_pool2d", "input", x, 4);
        int oh = p.outH(x.size(2));
        int ow = p.outW(x.size(3));
        if (oh <= 0 || ow <= 0) {
            throw new ShapeMismatchException("avg_pool2d: output size " + oh + "x" + ow + " is too small for input "
                    + Shapes.str(x.shape()));
        }
        Tensor out = Tensor.zeros(x.dtype(), x.device(), x.size(0), x.size(1), oh, ow);
        x.backend().avgPool2d(x, p, out);
        return out;
    }

    public static Tensor avgPool2dBackward(Tensor gradOut, Pool2dParams p, int[] inputShape) {
        Tensor gradIn = Tensor.zeros(gradOut.dtype(), gradOut.device(), inputShape);
        gradOut.backend().avgPool2dBackward(gradOut, p, gradIn);
        return gradIn;
    }

    // ---- interpolation ----------------------------------------------------------------------

    /**
     * The output size and the scales the kernel uses, resolved with PyTorch's rules from either
     * an explicit size or scale factors.
     *
     * @param outH   output height
     * @param outW   output width
     * @param scaleH scale handed to the kernel (&lt;= 0: derive from sizes)
     * @param scaleW likewise for width
     */
    public record InterpolationPlan(int outH, int outW, double scaleH, double scaleW) {
    }

    /**
     * PyTorch's {@code interpolate} size logic: with {@code size} given, scales are unused; with
     * scale factors, the size is {@code floor(in * scale)} and the scale reaches the kernel unless
     * {@code recomputeScaleFactor}.
     */
    public static InterpolationPlan plan(int inH, int inW, int[] size, double[] scale, boolean recomputeScaleFactor) {
        if ((size == null) == (scale == null)) {
            throw new TensorException("interpolate: exactly one of size and scale_factor must be given");
        }
        if (size != null) {
            if (size.length != 2 || size[0] <= 0 || size[1] <= 0) {
                throw new TensorException("interpolate: size must be two positive numbers, got " + Arrays.toString(size));
            }
            return new InterpolationPlan(size[0], size[1], -1, -1);
        }
        if (scale.length != 2 || !(scale[0] > 0) || !(scale[1] > 0)) {
            throw new TensorException("interpolate: scale_factor must be two positive numbers, got " + Arrays.toString(scale));
        }
        int oh = (int) Math.floor(inH * scale[0]);
        int ow = (int) Math.floor(inW * scale[1]);
        if (oh <= 0 || ow <= 0) {
            throw new TensorException("interpolate: scale_factor " + Arrays.toString(scale) + " gives an empty output for input "
                    + inH + "x" + inW);
        }
        return recomputeScaleFactor ? new InterpolationPlan(oh, ow, -1, -1) : new InterpolationPlan(oh, ow, scale[0], scale[1]);
    }

    /** Resizes {@code x [N,C,H,W]} according to {@code plan}. */
    public static Tensor interpolate(Tensor x, InterpolationPlan plan, InterpolationMode mode, boolean alignCorners) {
        Ops.checkNotNull("interpolate", x);
        checkFloat("interpolate", x);
        checkRank("interpolate", "input", x, 4);
        if (mode == InterpolationMode.NEAREST && alignCorners) {
            throw new TensorException("interpolate: align_corners can only be set with bilinear mode");
        }
        Tensor out = Tensor.zeros(x.dtype(), x.device(), x.size(0), x.size(1), plan.outH(), plan.outW());
        x.backend().upsample2d(x, mode, alignCorners, plan.scaleH(), plan.scaleW(), out);
        return out;
    }

    public static Tensor interpolateBackward(Tensor gradOut, InterpolationPlan plan, InterpolationMode mode,
                                             boolean alignCorners, int[] inputShape) {
        Tensor gradIn = Tensor.zeros(gradOut.dtype(), gradOut.device(), inputShape);
        gradOut.backend().upsample2dBackward(gradOut, mode, alignCorners, plan.scaleH(), plan.scaleW(), gradIn);
        return gradIn;
    }

    // ---- normalisation ------------------------------------------------------------------------

    /**
     * Result of a normalisation forward pass: the output plus what backward needs.
     *
     * @param out    normalised output
     * @param mean   per-group ({@code [N,G]}) or per-channel ({@code [C]}) mean
     * @param rstd   the matching reciprocal standard deviation
     */
    public record NormResult(Tensor out, Tensor mean, Tensor rstd) {
    }

    public static NormResult groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps) {
        return groupNorm(x, groups, weight, bias, eps, null, false);
    }

    /**
     * {@code relu?(group_norm(x) + residual)} in one pass over the output ({@link Backend#groupNormAct});
     * {@code residual} (x's shape, dtype and device) may be null.
     */
    public static NormResult groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps, Tensor residual,
                                       boolean relu) {
        Ops.checkNotNull("group_norm", x);
        Ops.checkSameDevice("group_norm", x, weight, bias);
        checkFloat("group_norm", x, weight, bias);
        checkSameDtype("group_norm", x, weight, bias);
        if (x.dim() < 2) {
            throw new ShapeMismatchException("group_norm: expected input of rank >= 2, got " + Shapes.str(x.shape()));
        }
        int c = x.size(1);
        if (groups < 1 || c % groups != 0) {
            throw new ShapeMismatchException("group_norm: " + c + " channels are not divisible into " + groups + " groups");
        }
        for (Tensor t : new Tensor[] {weight, bias}) {
            if (t != null && (t.dim() != 1 || t.size(0) != c)) {
                throw new ShapeMismatchException("group_norm: affine parameter of shape " + Shapes.str(t.shape())
                        + " does not match " + c + " channels");
            }
        }
        Tensor out = Tensor.zeros(x.dtype(), x.device(), x.shape());
        Tensor mean = Tensor.zeros(x.dtype(), x.device(), x.size(0), groups);
        Tensor rstd = Tensor.zeros(x.dtype(), x.device(), x.size(0), groups);
        if (residual == null && !relu) {
            x.backend().groupNorm(x, weight, bias, groups, eps, out, mean, rstd);
        } else {
            checkResidual("group_norm", x, residual);
            x.backend().groupNormAct(x, weight, bias, groups, eps, residual, relu, out, mean, rstd);
        }
        return new NormResult(out, mean, rstd);
    }

    /**
     * Gradients of group norm: {@code [gradX, gradWeight, gradBias]} (entries null when their
     * {@code need} flag is false).
     */
    public static Tensor[] groupNormBackward(Tensor gradOut, Tensor x, Tensor weight, NormResult saved, int groups,
                                             boolean[] need) {
        int c = x.size(1);
        Tensor gx = need[0] ? Tensor.zeros(x.dtype(), x.device(), x.shape()) : null;
        Tensor gw = need[1] ? Tensor.zeros(x.dtype(), x.device(), c) : null;
        Tensor gb = need[2] ? Tensor.zeros(x.dtype(), x.device(), c) : null;
        x.backend().groupNormBackward(gradOut, x, weight, saved.mean(), saved.rstd(), groups, gx, gw, gb);
        return new Tensor[] {gx, gw, gb};
    }

    /**
     * Batch norm over {@code x [N,C,*]}. In training mode the batch statistics normalise the
     * input and {@code runningMean}/{@code runningVar} (when given) are updated in place with
     * {@code momentum} (unbiased variance, as PyTorch); otherwise the running statistics are used.
     */
    public static NormResult batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                       boolean training, double momentum, double eps) {
        return batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps, null, false);
    }

    /**
     * {@code relu?(batch_norm(x) + residual)} in one pass over the output ({@link Backend#batchNormAct});
     * {@code residual} (x's shape, dtype and device) may be null. Statistics as {@link #batchNorm}.
     */
    public static NormResult batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                       boolean training, double momentum, double eps, Tensor residual, boolean relu) {
        Ops.checkNotNull("batch_norm", x);
        if (residual != null || relu) {
            checkResidual("batch_norm", x, residual);
        }
        Ops.checkSameDevice("batch_norm", x, runningMean, runningVar, weight, bias);
        checkFloat("batch_norm", x, runningMean, runningVar, weight, bias);
        if (x.dim() < 2) {
            throw new ShapeMismatchException("batch_norm: expected input of rank >= 2, got " + Shapes.str(x.shape()));
        }
        int c = x.size(1);
        for (Tensor t : new Tensor[] {runningMean, runningVar, weight, bias}) {
            if (t != null && (t.dim() != 1 || t.size(0) != c)) {
                throw new ShapeMismatchException("batch_norm: parameter of shape " + Shapes.str(t.shape())
                        + " does not match " + c + " channels");
            }
        }
        Tensor mean;
        Tensor var;
        if (training) {
            long count = x.numel() / Math.max(c, 1);
            if (count <= 1) {
                throw new ShapeMismatchException("batch_norm: expected more than 1 value per channel when training, got input "
                        + Shapes.str(x.shape()));
            }
            mean = Tensor.zeros(x.dtype(), x.device(), c);
            var = Tensor.zeros(x.dtype(), x.device(), c);
            x.backend().batchNormStats(x, mean, var);
            if (runningMean != null) {
                runningMean.mulInPlace(1 - momentum).addInPlace(mean.to(runningMean.dtype()), momentum);
            }
            if (runningVar != null) {
                Tensor unbiased = var.mul((double) count / (count - 1));
                runningVar.mulInPlace(1 - momentum).addInPlace(unbiased.to(runningVar.dtype()), momentum);
            }
        } else {
            if (runningMean == null || runningVar == null) {
                throw new TensorException("batch_norm: running statistics are required in evaluation mode");
            }
            mean = runningMean.to(x.dtype());
            var = runningVar.to(x.dtype());
        }
        Tensor rstd = var.add(eps).rsqrt();
        Tensor out = Tensor.zeros(x.dtype(), x.device(), x.shape());
        Tensor w = weight == null ? null : weight.to(x.dtype());
        Tensor b = bias == null ? null : bias.to(x.dtype());
        if (residual == null && !relu) {
            x.backend().batchNorm(x, mean, rstd, w, b, out);
        } else {
            x.backend().batchNormAct(x, mean, rstd, w, b, residual, relu, out);
        }
        return new NormResult(out, mean, rstd);
    }

    /** A norm's residual, when given, must match its input (checked before any state changes). */
    private static void checkResidual(String op, Tensor x, Tensor residual) {
        if (residual != null) {
            checkElementwise(op, "input", x, "residual", residual);
        }
    }

    /** Gradients of batch norm {@code [gradX, gradWeight, gradBias]}. */
    public static Tensor[] batchNormBackward(Tensor gradOut, Tensor x, Tensor weight, NormResult saved, boolean training,
                                             boolean[] need) {
        int c = x.size(1);
        Tensor gx = need[0] ? Tensor.zeros(x.dtype(), x.device(), x.shape()) : null;
        Tensor gw = need[1] ? Tensor.zeros(x.dtype(), x.device(), c) : null;
        Tensor gb = need[2] ? Tensor.zeros(x.dtype(), x.device(), c) : null;
        x.backend().batchNormBackward(gradOut, x, saved.mean(), saved.rstd(), weight, training, gx, gw, gb);
        return new Tensor[] {gx, gw, gb};
    }

    // ---- softmax ------------------------------------------------------------------------------

    public static Tensor softmax(Tensor x, int dim) {
        checkFloat("softmax", x);
        Tensor shifted = x.sub(x.amax(new int[] {dim}, true));
        Tensor e = shifted.exp();
        return e.div(e.sum(dim, true));
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        checkFloat("log_softmax", x);
        Tensor shifted = x.sub(x.amax(new int[] {dim}, true));
        return shifted.sub(shifted.exp().sum(dim, true).log());
    }
}
