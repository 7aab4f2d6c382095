package org.cassl.training.trainer;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cassl.nn.Module;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.Tensor;

/**
 * An exponential moving average of a model's weights (parameters and floating-point buffers such
 * as BatchNorm's running statistics; integer buffers are copied). After optimiser step {@code t}
 * (1-based) every averaged tensor becomes {@code d * ema + (1 - d) * live} with
 * {@code d = min(decay, (1 + t) / (10 + t))}: the ramp keeps the first steps from being dominated
 * by the random initialisation (the Mean Teacher / TensorFlow {@code num_updates} rule).
 */
public final class WeightEma {
    private final Module model;
    private final double decay;
    private final Map<String, Tensor> shadow = new LinkedHashMap<>();

    /**
     * @param model the trained model; the average starts as a copy of its current weights
     * @param decay the largest decay, in (0, 1)
     */
    public WeightEma(Module model, double decay) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("EMA decay must be in (0, 1), got " + decay);
        }
        this.model = model;
        this.decay = decay;
        model.stateDict().forEach((k, v) -> shadow.put(k, v.copy()));
    }

    public double decay() {
        return decay;
    }

    /** The decay applied after step {@code step} (1-based). */
    public double decayAt(long step) {
        return Math.min(decay, (1.0 + step) / (10.0 + step));
    }

    /** Folds the model's current weights into the average after optimiser step {@code step} (1-based). */
    public void update(long step) {
        double d = decayAt(step);
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            Tensor s = shadow.get(e.getKey());
            if (s.dtype().isFloatingPoint()) {
                NnOps.emaUpdate(s, e.getValue(), d);
            } else {
                s.copyFrom(e.getValue());
            }
        }
    }

    /** The averaged weights by state-dict key (the live tensors of the average, not copies). */
    public Map<String, Tensor> state() {
        return java.util.Collections.unmodifiableMap(shadow);
    }

    /** Replaces the average with saved weights (resume); keys missing from {@code saved} are an error. */
    public void load(Map<String, Tensor> saved) {
        for (Map.Entry<String, Tensor> e : shadow.entrySet()) {
            Tensor t = saved.get(e.getKey());
            if (t == null) {
                throw new TrainingFailedException("the checkpoint has no EMA weight " + e.getKey()
                        + " (it was written without weight EMA)");
            }
            e.getValue().copyFrom(t.to(e.getValue().device()));
        }
    }

    /** A copy of the model's current (live) weights, to restore after {@link #swapIn}. */
    public Map<String, Tensor> swapIn() {
        Map<String, Tensor> live = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> live.put(k, v.copy()));
        model.loadStateDict(shadow, true);
        return live;
    }
}
