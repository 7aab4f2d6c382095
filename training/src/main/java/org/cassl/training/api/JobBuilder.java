package org.cassl.training.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The settings every job builder shares: where to compute and who listens. CPU threads are not
 * among them: they belong to the process (see {@link org.cassl.tensor.Backends#setCpuThreads}),
 * and no job changes them behind other objects' backs.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class JobBuilder<B extends JobBuilder<B>> {
    private String device = Defaults.DEVICE;
    private final List<JobListener> listeners = new ArrayList<>();

    JobBuilder() {
    }

    /**
     * Where to compute (default {@code "cpu"}). A device that is not usable makes {@code run()}
     * fail with the reason; there is never a silent fallback to the CPU.
     *
     * @param device {@code "cpu"}, {@code "cuda"} or {@code "cuda:N"}
     * @return this builder
     * @throws NullPointerException if {@code device} is null
     */
    public final B device(String device) {
        this.device = Objects.requireNonNull(device, "device");
        return self();
    }

    /**
     * Adds a listener (any number; called in the order added).
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public final B listener(JobListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return self();
    }

    final String device() {
        return device;
    }

    final List<JobListener> listeners() {
        return List.copyOf(listeners);
    }

    abstract B self();

    static int atLeast(int min, int n, String what) {
        if (n < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + n);
        }
        return n;
    }

    static long atLeast(long min, long n, String what) {
        if (n < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + n);
        }
        return n;
    }

    static double unitInterval(double x, String what) {
        if (!(x >= 0 && x <= 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1], got " + x);
        }
        return x;
    }

    static double positive(double x, String what) {
        if (!(x > 0)) {
            throw new IllegalArgumentException(what + " must be positive, got " + x);
        }
        return x;
    }
}
