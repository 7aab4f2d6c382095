package org.cassl.nn.optim;

import java.util.List;
import org.cassl.nn.Parameter;
import org.cassl.tensor.AdamWStep;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * {@code torch.optim.AdamW} (PyTorch 1.13, single-tensor path): decoupled decay
 * {@code p *= 1 - lr * wd}; {@code m = b1*m + (1-b1)*g}; {@code v = b2*v + (1-b2)*g*g};
 * {@code p -= lr / (1 - b1^t) * m / (sqrt(v') / sqrt(1 - b2^t) + eps)} with {@code v' = v}, or the
 * running maximum of {@code v} with amsgrad. State tensors {@code exp_avg}, {@code exp_avg_sq},
 * {@code max_exp_avg_sq}.
 */
public final class AdamW extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final boolean amsgrad;

    public AdamW(List<ParamGroup> groups, double beta1, double beta2, double eps, boolean amsgrad) {
        super(groups);
        if (!(eps >= 0)) {
            throw new TensorException("Invalid epsilon value: " + eps);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new TensorException("Invalid beta parameters: (" + beta1 + ", " + beta2 + ")");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.amsgrad = amsgrad;
    }

    /** One group with PyTorch's defaults betas (0.9, 0.999), eps 1e-8. */
    public AdamW(List<Parameter> params, double lr, double weightDecay) {
        this(List.of(new ParamGroup(params, lr, weightDecay)), 0.9, 0.999, 1e-8, false);
    }

    @Override
    public String type() {
        return "adamw";
    }

    @Override
    protected void update(ParamGroup group, Parameter p, Tensor grad, long step) {
        Tensor data = p.data();
        double lr = group.lr();
        Tensor m = state(p, "exp_avg", data::zerosLike);
        Tensor v = state(p, "exp_avg_sq", data::zerosLike);
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        if (!amsgrad) {
            // one pass over memory where the backend fuses it (the same arithmetic as below)
            NnOps.adamwUpdate(data, grad, m, v, new AdamWStep(1 - lr * group.weightDecay(), beta1, beta2, bc2Sqrt, eps,
                    -lr / bc1));
            return;
        }
        data.mulInPlace(1 - lr * group.weightDecay());
        m.mulInPlace(beta1).addInPlace(grad, 1 - beta1);
        v.mulInPlace(beta2).addInPlace(grad.mul(grad), 1 - beta2);
        Tensor vmax = state(p, "max_exp_avg_sq", data::zerosLike);
        vmax.copyFrom(vmax.maximum(v));
        Tensor denom = vmax.sqrt().div(bc2Sqrt).add(eps);
        data.addInPlace(m.div(denom), -lr / bc1);
    }
}
