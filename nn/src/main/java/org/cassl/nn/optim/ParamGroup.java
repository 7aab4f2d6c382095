package org.cassl.nn.optim;

import java.util.List;
import org.cassl.nn.Parameter;
import org.cassl.tensor.TensorException;

/**
 * A set of parameters sharing a learning rate and weight decay (PyTorch's param group). The
 * {@link #initialLr() initial learning rate} is what schedules scale.
 */
public final class ParamGroup {
    private final List<Parameter> params;
    private double lr;
    private double initialLr;
    private final double weightDecay;

    public ParamGroup(List<Parameter> params, double lr, double weightDecay) {
        if (!(lr >= 0)) {
            throw new TensorException("Invalid learning rate: " + lr);
        }
        if (!(weightDecay >= 0)) {
            throw new TensorException("Invalid weight_decay value: " + weightDecay);
        }
        this.params = List.copyOf(params);
        this.lr = lr;
        this.initialLr = lr;
        this.weightDecay = weightDecay;
    }

    public List<Parameter> params() {
        return params;
    }

    /** The current learning rate. */
    public double lr() {
        return lr;
    }

    public void setLr(double lr) {
        this.lr = lr;
    }

    /** The learning rate before any schedule ({@code initial_lr} in PyTorch). */
    public double initialLr() {
        return initialLr;
    }

    void setInitialLr(double v) {
        this.initialLr = v;
    }

    public double weightDecay() {
        return weightDecay;
    }
}
