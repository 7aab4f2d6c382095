package org.cassl.nn.optim;

import java.util.Arrays;
import java.util.List;
import org.cassl.tensor.TensorException;

/**
 * A learning-rate schedule as a closed-form function of the step count, matching the values of
 * PyTorch's {@code torch.optim.lr_scheduler} classes after {@code step} calls to
 * {@code scheduler.step()}. Schedules compose with {@link #times} (PyTorch's
 * {@code ChainedScheduler}: factors multiply) and {@link #sequential} ({@code SequentialLR}).
 */
@FunctionalInterface
public interface LrSchedule {
    /** The learning rate after {@code step} scheduler steps, for base rate {@code baseLr}. */
    double lr(double baseLr, int step);

    /** The base rate at every step. */
    static LrSchedule constant() {
        return (base, step) -> base;
    }

    /**
     * {@code LinearLR(start_factor, end_factor=1, total_iters)}: the factor rises linearly from
     * {@code startFactor} to 1 over {@code iters} steps. With {@code startFactor = 1/1000} it is the
     * warmup of torchvision's detection reference scripts.
     */
    static LrSchedule linearWarmup(double startFactor, int iters) {
        return linear(startFactor, 1.0, iters);
    }

    /** {@code LinearLR(start_factor, end_factor, total_iters)}. */
    static LrSchedule linear(double startFactor, double endFactor, int iters) {
        if (!(startFactor > 0 && startFactor <= 1) || !(endFactor >= 0 && endFactor <= 1)) {
            throw new TensorException("LinearLR: factors must be in (0, 1] and [0, 1], got " + startFactor + ", " + endFactor);
        }
        if (iters < 0) {
            throw new TensorException("LinearLR: total_iters must be >= 0, got " + iters);
        }
        return (base, step) -> iters == 0 ? base * endFactor
                : base * (startFactor + (endFactor - startFactor) * Math.min(step, iters) / iters);
    }

    /** {@code MultiStepLR(milestones, gamma)}: multiplied by {@code gamma} at each milestone reached. */
    static LrSchedule multiStep(int[] milestones, double gamma) {
        int[] ms = milestones.clone();
        Arrays.sort(ms);
        return (base, step) -> base * Math.pow(gamma, bisectRight(ms, step));
    }

    /** {@code StepLR(step_size, gamma)}. */
    static LrSchedule stepDecay(int stepSize, double gamma) {
        if (stepSize < 1) {
            throw new TensorException("StepLR: step_size must be >= 1, got " + stepSize);
        }
        return (base, step) -> base * Math.pow(gamma, step / stepSize);
    }

    /** {@code CosineAnnealingLR(T_max, eta_min)}: {@code eta_min + (base - eta_min)(1 + cos(pi t / T))/2}. */
    static LrSchedule cosine(int tMax, double etaMin) {
        if (tMax < 1) {
            throw new TensorException("CosineAnnealingLR: T_max must be >= 1, got " + tMax);
        }
        return (base, step) -> etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * step / tMax)) / 2;
    }

    /** Both schedules applied at once (their factors multiply), like {@code ChainedScheduler}. */
    default LrSchedule times(LrSchedule other) {
        LrSchedule self = this;
        return (base, step) -> base == 0 ? 0 : self.lr(base, step) * other.lr(base, step) / base;
    }

    /**
     * {@code SequentialLR}: schedule {@code i} runs from milestone {@code i-1} (its own step count
     * restarting at 0 there) until milestone {@code i}.
     */
    static LrSchedule sequential(List<LrSchedule> schedules, int[] milestones) {
        if (schedules.size() != milestones.length + 1) {
            throw new TensorException("SequentialLR: expected " + (schedules.size() - 1) + " milestones for "
                    + schedules.size() + " schedules, got " + milestones.length);
        }
        for (int i = 1; i < milestones.length; i++) {
            if (milestones[i] < milestones[i - 1]) {
                throw new TensorException("SequentialLR: milestones must be ascending, got " + Arrays.toString(milestones));
            }
        }
        List<LrSchedule> s = List.copyOf(schedules);
        int[] ms = milestones.clone();
        return (base, step) -> {
            int idx = bisectRight(ms, step);
            int offset = idx == 0 ? 0 : ms[idx - 1];
            return s.get(idx).lr(base, step - offset);
        };
    }

    /** Number of entries of a sorted array that are {@code <= v}. */
    private static int bisectRight(int[] sorted, int v) {
        int n = 0;
        while (n < sorted.length && sorted[n] <= v) {
            n++;
        }
        return n;
    }
}
