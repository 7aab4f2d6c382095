package org.cassl.bench;

/** Warm-up then timed repetitions of a piece of work, on the calling thread. */
final class Timing {
    /** Warm-up gives up waiting for steady times after this long. */
    static final double MAX_WARMUP_SECONDS = 30;

    private Timing() {
    }

    /**
     * Repetition times in milliseconds, sorted ascending. Warm-up runs at least {@code warmup}
     * times and {@code minWarmupSeconds}, then until two consecutive runs agree within 10%: the
     * Vector API kernels are slow until C2 has compiled them, which takes seconds on a busy machine.
     */
    static double[] measure(Runnable work, int warmup, double minWarmupSeconds, int reps) {
        checkReps(reps);
        warmUp(work, warmup, minWarmupSeconds);
        double[] times = new double[reps];
        for (int i = 0; i < reps; i++) {
            times[i] = timeOnce(work);
        }
        java.util.Arrays.sort(times);
        return times;
    }

    /**
     * Two pieces of work compared under the same conditions: each is warmed up as in
     * {@link #measure}, then their timed repetitions alternate ({@code a, b, a, b, ...}), so load
     * from other processes that comes and goes falls on both alike. Returns both sorted time
     * arrays, {@code a}'s first.
     */
    static double[][] measurePaired(Runnable a, Runnable b, int warmup, double minWarmupSeconds, int reps) {
        checkReps(reps);
        warmUp(a, warmup, minWarmupSeconds);
        warmUp(b, warmup, minWarmupSeconds);
        double[] ta = new double[reps];
        double[] tb = new double[reps];
        for (int i = 0; i < reps; i++) {
            ta[i] = timeOnce(a);
            tb[i] = timeOnce(b);
        }
        java.util.Arrays.sort(ta);
        java.util.Arrays.sort(tb);
        return new double[][] {ta, tb};
    }

    private static void checkReps(int reps) {
        if (reps < 1) {
            throw new IllegalArgumentException("reps must be at least 1, got " + reps);
        }
    }

    private static void warmUp(Runnable work, int warmup, double minWarmupSeconds) {
        long start = System.nanoTime();
        int done = 0;
        double previous = Double.NaN;
        while (true) {
            double ms = timeOnce(work);
            done++;
            double elapsed = (System.nanoTime() - start) / 1e9;
            boolean steady = Math.abs(ms - previous) <= 0.1 * Math.min(ms, previous);
            if (done >= warmup && elapsed >= minWarmupSeconds && steady || elapsed >= MAX_WARMUP_SECONDS) {
                return;
            }
            previous = ms;
        }
    }

    private static double timeOnce(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
