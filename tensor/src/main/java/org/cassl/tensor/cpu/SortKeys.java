package org.cassl.tensor.cpu;

/**
 * Order-preserving integer keys for sorting floats the way PyTorch does (NaN above +inf, -0 equal
 * to +0), a stable sort of long keys carrying int payloads, and selection of the k smallest of
 * distinct longs.
 */
final class SortKeys {
    private static final int INSERTION = 24;

    private SortKeys() {
    }

    /** An int whose signed order is float order; every NaN maps above +inf, -0 equals +0. */
    static int f32(float v) {
        // floatToIntBits canonicalises NaN; v + 0f turns -0 into +0
        int b = Float.floatToIntBits(v + 0.0f);
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    /** The double counterpart of {@link #f32}. */
    static long f64(double v) {
        long b = Double.doubleToLongBits(v + 0.0);
        return b ^ ((b >> 63) & 0x7fffffffffffffffL);
    }

    /**
     * Packs a 32-bit key and a slice position into one long whose order is (key, position):
     * sorting these is a stable sort by key. {@code descending} reverses the key order only.
     */
    static long pack(int key, int pos, boolean descending) {
        return ((long) (descending ? ~key : key) << 32) | pos;
    }

    /** The slice position stored by {@link #pack}. */
    static int position(long packed) {
        return (int) packed;
    }

    /**
     * Stable ascending sort of {@code keys[0..n)}, moving {@code payload} along. Bottom-up merge
     * sort over insertion-sorted runs; {@code tmpKeys}/{@code tmpPayload} need length n.
     */
    static void stableSort(long[] keys, int[] payload, int n, long[] tmpKeys, int[] tmpPayload) {
        for (int lo = 0; lo < n; lo += INSERTION) {
            int hi = Math.min(n, lo + INSERTION);
            for (int i = lo + 1; i < hi; i++) {
                long k = keys[i];
                int p = payload[i];
                int j = i - 1;
                while (j >= lo && keys[j] > k) {
                    keys[j + 1] = keys[j];
                    payload[j + 1] = payload[j];
                    j--;
                }
                keys[j + 1] = k;
                payload[j + 1] = p;
            }
        }
        long[] srcK = keys;
        int[] srcP = payload;
        long[] dstK = tmpKeys;
        int[] dstP = tmpPayload;
        for (int width = INSERTION; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(n, lo + width);
                int hi = Math.min(n, lo + 2 * width);
                int i = lo;
                int j = mid;
                int o = lo;
                while (i < mid && j < hi) {
                    // '<=' takes from the left run on ties: that is what makes the sort stable
                    if (srcK[i] <= srcK[j]) {
                        dstK[o] = srcK[i];
                        dstP[o++] = srcP[i++];
                    } else {
                        dstK[o] = srcK[j];
                        dstP[o++] = srcP[j++];
                    }
                }
                while (i < mid) {
                    dstK[o] = srcK[i];
                    dstP[o++] = srcP[i++];
                }
                while (j < hi) {
                    dstK[o] = srcK[j];
                    dstP[o++] = srcP[j++];
                }
            }
            long[] tk = srcK;
            srcK = dstK;
            dstK = tk;
            int[] tp = srcP;
            srcP = dstP;
            dstP = tp;
        }
        if (srcK != keys) {
            System.arraycopy(srcK, 0, keys, 0, n);
            System.arraycopy(srcP, 0, payload, 0, n);
        }
    }

    /**
     * Rearranges distinct values {@code a[0..n)} so that {@code a[0..k)} holds the k smallest,
     * in ascending order.
     */
    static void smallestK(long[] a, int n, int k) {
        if (k <= 0) {
            return;
        }
        if (k * 4L >= n) {
            java.util.Arrays.sort(a, 0, n);
            return;
        }
        int lo = 0;
        int hi = n - 1;
        int target = k - 1;
        int rounds = 0;
        while (hi - lo > INSERTION) {
            if (++rounds > 64) {
                // pathological pivots: finish the remaining window by sorting it
                java.util.Arrays.sort(a, lo, hi + 1);
                lo = hi;
                break;
            }
            int mid = (lo + hi) >>> 1;
            long p = median(a[lo], a[mid], a[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < p) {
                    i++;
                }
                while (a[j] > p) {
                    j--;
                }
                if (i <= j) {
                    long t = a[i];
                    a[i++] = a[j];
                    a[j--] = t;
                }
            }
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                lo = hi;
                break;
            }
        }
        if (hi > lo) {
            java.util.Arrays.sort(a, lo, hi + 1);
        }
        java.util.Arrays.sort(a, 0, k);
    }

    private static long median(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
