package org.cassl.nn;

import org.cassl.tensor.Generator;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * Parameter initialisers with the formulas of {@code torch.nn.init}, filling tensors in place from
 * a {@link Generator} (numbers are drawn on the host, so a seed gives the same weights on every
 * machine and device). Layers constructed without an explicit generator draw from
 * {@link #defaultGenerator()}, reseeded by {@link #manualSeed}.
 */
public final class Init {
    private static Generator global = new Generator(0);
    private static final ThreadLocal<boolean[]> SKIP = ThreadLocal.withInitial(() -> new boolean[1]);

    private Init() {
    }

    /**
     * A scope (per thread) in which random initialisers leave tensors untouched (zeros from
     * construction) and draw nothing: for models whose weights are loaded right after building.
     * Constant initialisers still apply. Use {@code try (var s = Init.skipRandom()) { ... }}.
     */
    public static Scope skipRandom() {
        boolean[] flag = SKIP.get();
        boolean prev = flag[0];
        flag[0] = true;
        return () -> flag[0] = prev;
    }

    /** Whether random initialisation is being skipped on this thread. */
    public static boolean isSkippingRandom() {
        return SKIP.get()[0];
    }

    /** Restores the previous initialisation mode when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Which fan {@code kaiming_*} preserves. */
    public enum FanMode { FAN_IN, FAN_OUT }

    /** Nonlinearities for {@link #gain}. */
    public enum Nonlinearity { LINEAR, CONV, SIGMOID, TANH, RELU, LEAKY_RELU }

    /** The process-wide generator used when a layer is built without one. */
    public static synchronized Generator defaultGenerator() {
        return global;
    }

    /** Restarts the default generator from {@code seed} (like {@code torch.manual_seed}). */
    public static synchronized void manualSeed(long seed) {
        global = new Generator(seed);
    }

    /**
     * {@code (fan_in, fan_out)} of a weight of rank >= 2: {@code size(1)} and {@code size(0)} times
     * the receptive field (the product of the remaining dims).
     */
    public static int[] fans(Tensor t) {
        if (t.dim() < 2) {
            throw new ShapeMismatchException("init: fan in and fan out can not be computed for a tensor of shape "
                    + java.util.Arrays.toString(t.shape()) + " (fewer than 2 dimensions)");
        }
        int receptive = 1;
        for (int d = 2; d < t.dim(); d++) {
            receptive *= t.size(d);
        }
        return new int[] {t.size(1) * receptive, t.size(0) * receptive};
    }

    /** {@code torch.nn.init.calculate_gain}; {@code param} is the negative slope of leaky ReLU (NaN: 0.01). */
    public static double gain(Nonlinearity nl, double param) {
        return switch (nl) {
            case LINEAR, CONV, SIGMOID -> 1.0;
            case TANH -> 5.0 / 3;
            case RELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> {
                double slope = Double.isNaN(param) ? 0.01 : param;
                yield Math.sqrt(2.0 / (1 + slope * slope));
            }
        };
    }

    /** Fills with values uniform in [lo, hi). */
    public static Tensor uniform(Tensor t, double lo, double hi, Generator gen) {
        if (isSkippingRandom()) {
            return t;
        }
        return t.copyFrom(Tensor.uniform(gen, lo, hi, t.dtype(), t.shape()).to(t.device()));
    }

    /** Fills with normal values of the given mean and standard deviation. */
    public static Tensor normal(Tensor t, double mean, double std, Generator gen) {
        if (std < 0) {
            throw new TensorException("init.normal: std must be non-negative, got " + std);
        }
        if (isSkippingRandom()) {
            return t;
        }
        return t.copyFrom(Tensor.normal(gen, mean, std, t.dtype(), t.shape()).to(t.device()));
    }

    public static Tensor constant(Tensor t, double value) {
        return t.fill(value);
    }

    public static Tensor zeros(Tensor t) {
        return t.fill(0);
    }

    public static Tensor ones(Tensor t) {
        return t.fill(1);
    }

    /**
     * {@code kaiming_uniform_}: bound {@code gain * sqrt(3 / fan)}; {@code a} is the leaky-ReLU
     * slope used by the gain.
     */
    public static Tensor kaimingUniform(Tensor t, double a, FanMode mode, Nonlinearity nl, Generator gen) {
        double std = gain(nl, a) / Math.sqrt(fan(t, mode));
        double bound = Math.sqrt(3.0) * std;
        return uniform(t, -bound, bound, gen);
    }

    /** {@code kaiming_uniform_(t, a)} with fan_in and leaky ReLU, PyTorch's defaults. */
    public static Tensor kaimingUniform(Tensor t, double a, Generator gen) {
        return kaimingUniform(t, a, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, gen);
    }

    /** {@code kaiming_normal_}: std {@code gain / sqrt(fan)}. */
    public static Tensor kaimingNormal(Tensor t, double a, FanMode mode, Nonlinearity nl, Generator gen) {
        double std = gain(nl, a) / Math.sqrt(fan(t, mode));
        return normal(t, 0, std, gen);
    }

    /** {@code xavier_uniform_}: bound {@code gain * sqrt(6 / (fan_in + fan_out))}. */
    public static Tensor xavierUniform(Tensor t, double gain, Generator gen) {
        int[] f = fans(t);
        double bound = gain * Math.sqrt(6.0 / (f[0] + f[1]));
        return uniform(t, -bound, bound, gen);
    }

    /** {@code xavier_normal_}: std {@code gain * sqrt(2 / (fan_in + fan_out))}. */
    public static Tensor xavierNormal(Tensor t, double gain, Generator gen) {
        int[] f = fans(t);
        return normal(t, 0, gain * Math.sqrt(2.0 / (f[0] + f[1])), gen);
    }

    /**
     * PyTorch's default for conv and linear layers: weight {@code kaiming_uniform_(a=sqrt(5))},
     * i.e. uniform in {@code ±1/sqrt(fan_in)}, and bias uniform in the same bound.
     */
    public static void defaultLayerInit(Tensor weight, Tensor bias, Generator gen) {
        kaimingUniform(weight, Math.sqrt(5), gen);
        if (bias != null) {
            int fanIn = fans(weight)[0];
            double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
            uniform(bias, -bound, bound, gen);
        }
    }

    private static int fan(Tensor t, FanMode mode) {
        int[] f = fans(t);
        int v = mode == FanMode.FAN_IN ? f[0] : f[1];
        if (v == 0) {
            throw new ShapeMismatchException("init: initializing a zero-element tensor of shape "
                    + java.util.Arrays.toString(t.shape()) + " is a no-op; fan is 0");
        }
        return v;
    }
}
