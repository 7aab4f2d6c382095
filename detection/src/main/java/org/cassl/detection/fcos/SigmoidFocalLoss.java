package org.cassl.detection.fcos;

import java.util.Arrays;
import org.cassl.autograd.Tape;
import org.cassl.autograd.Variable;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * torchvision's {@code sigmoid_focal_loss}: with {@code p = sigmoid(x)},
 * {@code ce = BCEWithLogits(x, t)}, {@code p_t = p t + (1 - p)(1 - t)} and
 * {@code alpha_t = alpha t + (1 - alpha)(1 - t)}, the loss is {@code alpha_t (1 - p_t)^gamma ce}
 * per element ({@code alpha < 0} disables the weighting, as in torchvision).
 *
 * <p>The differentiable form is one tape node with the analytic derivative
 * {@code alpha_t [(1-p_t)^gamma (p - t) + gamma (1-p_t)^(gamma-1) (1 - 2t) p (1-p) ce]}, so a
 * dense {@code [N, HWA, K]} classification map costs no chain of intermediate nodes.
 */
public final class SigmoidFocalLoss {
    /** torchvision's defaults. */
    public static final double ALPHA = 0.25;
    public static final double GAMMA = 2.0;

    private SigmoidFocalLoss() {
    }

    /**
     * {@code BCEWithLogits(x, t)} per element in PyTorch's stable form
     * {@code (1 - t) x + m + log(exp(-m) + exp(-x - m))}, {@code m = max(-x, 0)}.
     */
    static Tensor bceWithLogits(Tensor x, Tensor t) {
        Tensor m = x.neg().clampMin(0);
        Tensor lse = m.neg().exp().add(x.neg().sub(m).exp()).log();
        return t.rsub(1).mul(x).add(m).add(lse);
    }

    private static void check(Tensor x, Tensor t, double gamma) {
        if (!Arrays.equals(x.shape(), t.shape())) {
            throw new ShapeMismatchException("sigmoid_focal_loss: targets of shape " + Arrays.toString(t.shape())
                    + " do not match inputs of shape " + Arrays.toString(x.shape()));
        }
        if (!(gamma >= 0)) {
            throw new TensorException("sigmoid_focal_loss: gamma must be >= 0, got " + gamma);
        }
    }

    /** Per-element losses, the shape of {@code inputs}. */
    public static Tensor elementwise(Tensor inputs, Tensor targets, double alpha, double gamma) {
        Tensor t = targets.to(inputs.dtype());
        check(inputs, t, gamma);
        Tensor p = inputs.sigmoid();
        Tensor ce = bceWithLogits(inputs, t);
        Tensor pt = p.mul(t).add(p.rsub(1).mul(t.rsub(1)));
        Tensor loss = ce.mul(pt.rsub(1).pow(gamma));
        if (alpha >= 0) {
            loss = alphaT(t, alpha).mul(loss);
        }
        return loss;
    }

    private static Tensor alphaT(Tensor t, double alpha) {
        return t.mul(alpha).add(t.rsub(1).mul(1 - alpha));
    }

    /** The summed loss as a scalar on the tape; the gradient flows to {@code inputs} only. */
    public static Variable sum(Variable inputs, Tensor targets, double alpha, double gamma) {
        Tensor x = inputs.data();
        Tensor t = targets.to(x.dtype());
        Tensor out = elementwise(x, t, alpha, gamma).sum();
        return Tape.record("sigmoid_focal_loss", out, (g, needs) -> new Tensor[] {gradient(x, t, alpha, gamma).mul(g)},
                inputs);
    }

    /** d(loss)/dx per element. */
    static Tensor gradient(Tensor x, Tensor t, double alpha, double gamma) {
        Tensor p = x.sigmoid();
        Tensor oneMinusP = p.rsub(1);
        Tensor pt = p.mul(t).add(oneMinusP.mul(t.rsub(1)));
        Tensor q = pt.rsub(1);
        Tensor grad = q.pow(gamma).mul(p.sub(t));
        if (gamma != 0) {
            Tensor ce = bceWithLogits(x, t);
            Tensor modulation = q.pow(gamma - 1).mul(gamma).mul(t.mul(-2).add(1)).mul(p).mul(oneMinusP).mul(ce);
            grad = grad.add(modulation);
        }
        return alpha >= 0 ? grad.mul(alphaT(t, alpha)) : grad;
    }
}
