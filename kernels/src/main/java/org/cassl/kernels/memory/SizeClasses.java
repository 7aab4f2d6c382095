package org.cassl.kernels.memory;

/**
 * The size classes of the caching allocator. Requests are rounded up so that freed blocks can be
 * reused by later requests of similar size: below 1 MiB to a multiple of 512 bytes (CUDA's own
 * alignment granule), above to a quarter of the request's highest power of two, which bounds the
 * waste to 25% while keeping the number of distinct classes logarithmic.
 */
public final class SizeClasses {
    /** Granule of small classes; also the alignment every block has. */
    public static final long SMALL_GRANULE = 512;
    /** Requests up to this size use {@link #SMALL_GRANULE} steps. */
    public static final long SMALL_LIMIT = 1L << 20;

    private SizeClasses() {
    }

    /** The class a request of {@code bytes} is served from; 0 for 0. */
    public static long roundUp(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative allocation size " + bytes);
        }
        if (bytes == 0) {
            return 0;
        }
        if (bytes <= SMALL_LIMIT) {
            return ceilTo(bytes, SMALL_GRANULE);
        }
        long step = Long.highestOneBit(bytes) / 4;
        return ceilTo(bytes, step);
    }

    private static long ceilTo(long v, long step) {
        long r = (v + step - 1) / step * step;
        if (r < v) {
            throw new IllegalArgumentException("allocation size " + v + " overflows");
        }
        return r;
    }
}
