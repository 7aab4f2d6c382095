package org.cassl.app.shapes;

/**
 * Seed derivation. Each image gets its own random stream from (master seed, split, index), so
 * images can be drawn in any order on any number of threads and still come out identical.
 */
final class Seeds {
    private Seeds() {
    }

    /** The seed of image {@code index} of {@code split}. */
    static long imageSeed(long masterSeed, Split split, int index) {
        long h = mix64(masterSeed ^ 0x5DEECE66DL);
        h = mix64(h + split.seedId() * 0x9E3779B97F4A7C15L);
        return mix64(h + (index + 1L) * 0xD1B54A32D192ED03L);
    }

    /** The SplitMix64 finaliser: a bijective 64-bit mix with good avalanche. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
