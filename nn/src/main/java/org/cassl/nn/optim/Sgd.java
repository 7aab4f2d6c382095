package org.cassl.nn.optim;

import java.util.List;
import org.cassl.nn.Parameter;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.SgdStep;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * {@code torch.optim.SGD} (PyTorch 1.13): {@code d = grad + wd * p}; with momentum
 * {@code buf = d} on the first step, then {@code buf = momentum * buf + (1 - dampening) * d};
 * {@code d = nesterov ? d + momentum * buf : buf}; {@code p -= lr * d}. The state tensor is
 * {@code momentum_buffer}.
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    public Sgd(List<ParamGroup> groups, double momentum, double dampening, boolean nesterov) {
        super(groups);
        if (!(momentum >= 0)) {
            throw new TensorException("Invalid momentum value: " + momentum);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new TensorException("Nesterov momentum requires a momentum and zero dampening");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    /** One group, dampening 0. */
    public Sgd(List<Parameter> params, double lr, double momentum, double weightDecay) {
        this(List.of(new ParamGroup(params, lr, weightDecay)), momentum, 0, false);
    }

    @Override
    public String type() {
        return "sgd";
    }

    @Override
    protected void update(ParamGroup group, Parameter p, Tensor grad, long step) {
        Tensor data = p.data();
        Tensor buf = null;
        boolean first = false;
        if (momentum != 0) {
            buf = stateOrNull(p, "momentum_buffer");
            if (buf == null) {
                first = true;
                buf = state(p, "momentum_buffer", data::zerosLike);
            }
        }
        // one pass over memory where the backend fuses it (the arithmetic of SgdStep)
        NnOps.sgdUpdate(data, grad, buf, new SgdStep(group.lr(), group.weightDecay(), momentum, dampening, nesterov,
                first));
    }

    public double momentum() {
        return momentum;
    }
}
