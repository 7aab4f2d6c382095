package org.cassl.nn;

import org.cassl.autograd.Variable;
import org.cassl.tensor.Device;
import org.cassl.tensor.Tensor;

/**
 * A trainable tensor of a {@link Module}: holds the leaf {@link Variable} that forward passes use
 * and through which gradients arrive. Freezing ({@link #setRequiresGrad(boolean) requiresGrad
 * false}) swaps the leaf for a constant over the same data, so ops stop recording for it.
 *
 * <p>The data tensor keeps its identity across {@link #load} (an in-place copy, like PyTorch's
 * {@code param.copy_(...)}), so optimisers and views that hold it stay valid; {@link #to} and
 * {@link #replace} install a new tensor.
 */
public final class Parameter {
    private Variable variable;

    /** A parameter over {@code data} that requires a gradient. */
    public Parameter(Tensor data) {
        this(data, true);
    }

    public Parameter(Tensor data, boolean requiresGrad) {
        if (requiresGrad && !data.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("Parameter: only floating point tensors can require gradients, got "
                    + data.dtype());
        }
        this.variable = requiresGrad ? Variable.parameter(data) : Variable.of(data);
    }

    /** The leaf to use in forward passes (a constant when frozen). */
    public Variable variable() {
        return variable;
    }

    public Tensor data() {
        return variable.data();
    }

    /** Accumulated gradient, or null. */
    public Tensor grad() {
        return variable.grad();
    }

    public void setGrad(Tensor g) {
        variable.setGrad(g);
    }

    public void zeroGrad() {
        variable.zeroGrad();
    }

    public boolean requiresGrad() {
        return variable.requiresGrad();
    }

    /** Freezes ({@code false}) or unfreezes the parameter; the data is shared, the gradient dropped. */
    public Parameter setRequiresGrad(boolean requiresGrad) {
        if (requiresGrad != variable.requiresGrad()) {
            Tensor data = variable.data();
            String name = variable.name();
            variable = requiresGrad ? Variable.parameter(data) : Variable.of(data);
            variable.named(name);
        }
        return this;
    }

    public int[] shape() {
        return variable.shape();
    }

    public int numel() {
        return variable.numel();
    }

    /** Copies {@code src} into the data in place (cast to this dtype, moved to this device). */
    public void load(Tensor src) {
        Tensor dst = data();
        dst.copyFrom(src.device().equals(dst.device()) ? src : src.to(dst.device()));
    }

    /** Installs a new data tensor of the same shape (drops the gradient). */
    public void replace(Tensor t) {
        variable.setData(t);
    }

    /** Moves the data to {@code device} (no-op when already there). */
    public void to(Device device) {
        if (!data().device().equals(device)) {
            replace(data().to(device));
        }
    }

    @Override
    public String toString() {
        return "Parameter(" + variable + ")";
    }
}
