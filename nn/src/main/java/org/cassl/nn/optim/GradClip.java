package org.cassl.nn.optim;

import java.util.ArrayList;
import java.util.List;
import org.cassl.autograd.GradMode;
import org.cassl.nn.Parameter;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/** {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradClip {
    private GradClip() {
    }

    /**
     * Scales all gradients in place by {@code min(1, maxNorm / (total + 1e-6))}, where
     * {@code total} is the {@code normType}-norm of the per-parameter gradient norms
     * ({@code Double.POSITIVE_INFINITY} for the max norm). Parameters without a gradient are
     * skipped.
     *
     * @return the total norm before clipping (0 when no parameter has a gradient)
     */
    public static double clipGradNorm(List<Parameter> params, double maxNorm, double normType) {
        if (!(normType > 0)) {
            throw new TensorException("clip_grad_norm: norm type must be positive, got " + normType);
        }
        List<Tensor> grads = new ArrayList<>();
        for (Parameter p : params) {
            if (p.grad() != null) {
                grads.add(p.grad());
            }
        }
        if (grads.isEmpty()) {
            return 0;
        }
        try (GradMode.Scope off = GradMode.off()) {
            double total;
            if (Double.isInfinite(normType)) {
                total = 0;
                for (Tensor g : grads) {
                    total = Math.max(total, g.abs().max().item());
                }
            } else {
                double acc = 0;
                for (Tensor g : grads) {
                    double n = normType == 2 ? Math.sqrt(g.to(org.cassl.tensor.DType.F64).square().sum().item())
                            : Math.pow(g.to(org.cassl.tensor.DType.F64).abs().pow(normType).sum().item(), 1 / normType);
                    acc += Math.pow(n, normType);
                }
                total = Math.pow(acc, 1 / normType);
            }
            double coef = Math.min(1.0, maxNorm / (total + 1e-6));
            for (Tensor g : grads) {
                g.mulInPlace(coef);
            }
            return total;
        }
    }

    /** The L2 version. */
    public static double clipGradNorm(List<Parameter> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2);
    }
}
