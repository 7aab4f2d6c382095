package org.cassl.tensor;

/**
 * A seeded random stream (SplitMix64). The same seed gives the same numbers on every machine and
 * backend, since numbers are drawn on the host. The whole state is one long plus a cached normal
 * ({@link #state()} / {@link #restore}), so training checkpoints can resume a stream exactly.
 * {@link #split()} derives an independent stream for a worker or an initialiser.
 */
public final class Generator {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private long seed;
    private double spareNormal = Double.NaN;

    public Generator(long seed) {
        this.seed = seed;
    }

    /** An independent stream derived from this one (advances this stream by one draw). */
    public Generator split() {
        return new Generator(mix64(nextLong()) ^ 0x5DEECE66DL);
    }

    public long nextLong() {
        seed += GOLDEN_GAMMA;
        return mix64(seed);
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        // Lemire's multiply-shift with rejection: unbiased.
        long m = (nextLong() >>> 32) * bound;
        long l = m & 0xffffffffL;
        if (l < bound) {
            long t = (0x100000000L - bound) % bound;
            while (l < t) {
                m = (nextLong() >>> 32) * bound;
                l = m & 0xffffffffL;
            }
        }
        return (int) (m >>> 32);
    }

    /** Standard normal (Box-Muller, pairs cached). */
    public double nextGaussian() {
        if (!Double.isNaN(spareNormal)) {
            double s = spareNormal;
            spareNormal = Double.NaN;
            return s;
        }
        double u1;
        do {
            u1 = nextDouble();
        } while (u1 <= 0);
        double u2 = nextDouble();
        double r = Math.sqrt(-2 * Math.log(u1));
        spareNormal = r * Math.sin(2 * Math.PI * u2);
        return r * Math.cos(2 * Math.PI * u2);
    }

    /** The full state, for checkpoints: {@code [seed, raw bits of the cached normal]}. */
    public long[] state() {
        return new long[] {seed, Double.doubleToRawLongBits(spareNormal)};
    }

    /** A generator continuing exactly where the one that produced {@code state} was. */
    public static Generator restore(long[] state) {
        if (state == null || state.length != 2) {
            throw new IllegalArgumentException("generator state must have 2 entries");
        }
        Generator g = new Generator(state[0]);
        g.spareNormal = Double.longBitsToDouble(state[1]);
        return g;
    }
}
