package org.cassl.nn.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cassl.tensor.TensorException;

/**
 * Drives an optimiser's learning rates with a {@link LrSchedule}: every group's rate is
 * {@code schedule.lr(group.initialLr(), step)}. Construction applies step 0; call {@link #step()}
 * after each {@code optimizer.step()} (per iteration or per epoch, as the schedule was designed).
 */
public final class LrScheduler {
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private int step;

    public LrScheduler(Optimizer optimizer, LrSchedule schedule) {
        this.optimizer = optimizer;
        this.schedule = schedule;
        apply();
    }

    /** Advances one step and updates the rates. */
    public void step() {
        step++;
        apply();
    }

    /** Steps taken so far. */
    public int stepCount() {
        return step;
    }

    /** Jumps to a step (for resuming) and updates the rates. */
    public void setStep(int s) {
        if (s < 0) {
            throw new TensorException("LrScheduler: step must be >= 0, got " + s);
        }
        step = s;
        apply();
    }

    /** The current rate of group {@code i}. */
    public double lastLr(int group) {
        return optimizer.paramGroups().get(group).lr();
    }

    private void apply() {
        for (ParamGroup g : optimizer.paramGroups()) {
            g.setLr(schedule.lr(g.initialLr(), step));
        }
    }

    /** JSON-able state: {@code {"step": n}}. */
    public Map<String, Object> stateDict() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        return m;
    }

    public void loadStateDict(Map<String, Object> state) {
        Object s = state.get("step");
        if (!(s instanceof Number n)) {
            throw new TensorException("LrScheduler state has no numeric 'step': " + state);
        }
        setStep(n.intValue());
    }
}
