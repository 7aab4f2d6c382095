package org.cassl.nn;

import org.cassl.autograd.GradMode;
import org.cassl.autograd.Variable;

/**
 * When layers may take their inference-only fast path (a batch norm folded into its convolution,
 * bias, residual and ReLU fused into the convolution's output pass): the modules involved are all
 * in evaluation mode and the call records nothing on the autograd tape (grad mode off, or neither
 * the input nor any of their parameters requires a gradient). Training and every recorded forward
 * keep the unfused layers, so their results and gradients are what they always were.
 *
 * <p>The switch ({@code -Dcassl.fastInference=false}, or {@link #setEnabled}) turns the fast
 * path off everywhere, for comparisons; it is on by default.
 */
public final class FastInference {
    private static volatile boolean enabled = !"false".equals(System.getProperty("cassl.fastInference"));

    private FastInference() {
    }

    public static boolean enabled() {
        return enabled;
    }

    /** Turns the fast path on or off for every thread; returns the previous setting. */
    public static boolean setEnabled(boolean on) {
        boolean prev = enabled;
        enabled = on;
        return prev;
    }

    /** Whether a forward of {@code x} through {@code modules} (and their descendants) may take the fast path. */
    public static boolean applies(Variable x, Module... modules) {
        if (!enabled) {
            return false;
        }
        boolean recording = GradMode.isEnabled();
        if (recording && x.requiresGrad()) {
            return false;
        }
        for (Module m : modules) {
            if (!inferenceOnly(m, recording)) {
                return false;
            }
        }
        return true;
    }

    private static boolean inferenceOnly(Module m, boolean recording) {
        if (m.isTraining()) {
            return false;
        }
        if (recording) {
            for (Parameter p : m.ownParameters().values()) {
                if (p.requiresGrad()) {
                    return false;
                }
            }
        }
        for (Module c : m.namedChildren().values()) {
            if (!inferenceOnly(c, recording)) {
                return false;
            }
        }
        return true;
    }
}
