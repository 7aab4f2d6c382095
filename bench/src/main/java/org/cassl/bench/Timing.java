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
        if (reps < 1) {
            throw new IllegalArgumentException("reps must be at least 1, got " + reps);
        }
        long start = System.nanoTime();
        int done = 0;
        double previous = Double.NaN;
        while (true) {
            long t0 = System.nanoTime();
            work.run();
            double ms = (System.nanoTime() - t0) / 1e6;
            done++;
            double elapsed = (System.nanoTime() - start) / 1e9;
            boolean steady = Math.abs(ms - previous) <= 0.1 * Math.min(ms, previous);
            if (done >= warmup && elapsed >= minWarmupSeconds && steady || elapsed >= MAX_WARMUP_SECONDS) {
                break;
            }
            previous = ms;
        }
        double[] times = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            work.run();
            times[i] = (System.nanoTime() - t0) / 1e6;
        }
        java.util.Arrays.sort(times);
        return times;
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
