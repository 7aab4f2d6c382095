package org.cassl.nn.layers;

import org.cassl.autograd.Variable;
import org.cassl.nn.Layer;

/**
 * {@code relu?(norm(x) + residual)} with the norm's fused form where it has one
 * ({@link BatchNorm2d} and {@link GroupNorm}: one op, one stored tensor, the add and ReLU in the
 * norm's output pass), else the three steps one after another. Both give the same values and
 * gradients to the bit; the fused form keeps fewer tensors for backward and makes fewer passes.
 * {@code -Dcassl.fuseNormAct=false} (read on every call) selects the unfused steps, for
 * measuring one against the other.
 */
public final class NormAct {
    /** The system property that switches the fused form off when {@code false}. */
    public static final String PROPERTY = "cassl.fuseNormAct";

    private NormAct() {
    }

    /** Whether the fused form is on (the default). */
    public static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY));
    }

    /** Whether {@code norm} has a fused form (its exact class, so a subclass's own forward is kept). */
    public static boolean fuses(Layer norm) {
        return norm.getClass() == BatchNorm2d.class || norm.getClass() == GroupNorm.class;
    }

    /** {@code relu?(norm(x) + residual)}; {@code residual} may be null. */
    public static Variable forward(Layer norm, Variable x, Variable residual, boolean relu) {
        if (enabled() && fuses(norm)) {
            return norm instanceof BatchNorm2d b ? b.forward(x, residual, relu) : ((GroupNorm) norm).forward(x, residual,
                    relu);
        }
        Variable y = norm.forward(x);
        if (residual != null) {
            y = y.add(residual);
        }
        return relu ? y.relu() : y;
    }
}
