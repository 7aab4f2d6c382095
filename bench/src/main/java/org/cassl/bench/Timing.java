package org.cassl.bench;

/** Warm-up then timed repetitions of a piece of work, on the calling thread. */
final class Timing {
    private Timing() {
    }

    /** Repetition times in milliseconds, sorted ascending. */
    static double[] measure(Runnable work, int warmup, double minWarmupSeconds, int reps) {
        if (reps < 1) {
            throw new IllegalArgumentException("reps must be at least 1, got " + reps);
        }
        // the JIT compiles the Vector API kernels only after many calls: warm up by count and by time
        long start = System.nanoTime();
        int done = 0;
        while (done < warmup || (System.nanoTime() - start) / 1e9 < minWarmupSeconds) {
            work.run();
            done++;
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
