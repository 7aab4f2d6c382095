package org.cassl.spark;

import java.util.Locale;

/**
 * Per-step wall time and all-reduce time of one replica. The first step is left out when there are
 * more (it carries JIT warm-up and first allocations); the all-reduce time is the ring's wall time
 * inside {@link RingAllReduce#sum}, which includes waiting for the slowest peer to arrive.
 */
final class StepTimer {
    private final RingAllReduce ring;
    private long steps;
    private double stepSeconds;
    private double ring0;
    private long bytes0;
    private double firstStep;
    private double firstRing;
    private long firstBytes;
    private boolean seenFirst;

    StepTimer(RingAllReduce ring) {
        this.ring = ring;
        this.ring0 = ring.seconds();
        this.bytes0 = ring.bytesSent();
    }

    /** Called after each step with its wall time. */
    void step(double seconds) {
        if (!seenFirst) {
            seenFirst = true;
            firstStep = seconds;
            firstRing = ring.seconds() - ring0;
            firstBytes = ring.bytesSent() - bytes0;
            ring0 = ring.seconds();
            bytes0 = ring.bytesSent();
            return;
        }
        steps++;
        stepSeconds += seconds;
    }

    /** Steps timed (the first left out when there were more). */
    long steps() {
        return steps == 0 && seenFirst ? 1 : steps;
    }

    double meanStep() {
        return steps == 0 ? firstStep : stepSeconds / steps;
    }

    double meanAllReduce() {
        return steps == 0 ? firstRing : (ring.seconds() - ring0) / steps;
    }

    long meanBytes() {
        return steps == 0 ? firstBytes : (ring.bytesSent() - bytes0) / steps;
    }

    /** steps, step s, all-reduce s, bytes: tab-separated, for a replica's result line. */
    String fields() {
        return steps() + "\t" + meanStep() + "\t" + meanAllReduce() + "\t" + meanBytes();
    }

    /** One line: step time, all-reduce time and share, megabytes sent per step. */
    static String describe(long steps, double step, double allReduce, long bytes) {
        return String.format(Locale.ROOT, "%.3f s/step, all-reduce %.3f s/step (%.1f%% of the step), %.2f MB sent/step, %d steps timed",
                step, allReduce, step > 0 ? 100 * allReduce / step : 0, bytes / 1e6, steps);
    }
}
