package org.cassl.detection.coco.eval;

/**
 * numpy's {@code argsort(-key, kind='mergesort')}: indices by descending key, ties kept in input
 * order. Keys compare with {@code <} / {@code >} so {@code 0.0} and {@code -0.0} tie, as in numpy.
 */
final class StableSort {
    private StableSort() {}

    /** {@code items} reordered by descending {@code key[item]}, stably (a new array). */
    static int[] byDescendingKey(double[] key, int[] items) {
        int[] a = items.clone();
        if (a.length < 2) {
            return a;
        }
        int[] tmp = new int[a.length];
        sort(key, a, tmp, 0, a.length);
        return a;
    }

    /** Positions {@code 0..n-1} reordered by descending {@code key[pos]}, stably. */
    static int[] argsortDescending(double[] key, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        if (n < 2) {
            return a;
        }
        sort(key, a, new int[n], 0, n);
        return a;
    }

    private static void sort(double[] key, int[] a, int[] tmp, int lo, int hi) {
        if (hi - lo <= 16) {
            // Insertion sort: moves an element left only past strictly smaller keys, so it is stable.
            for (int i = lo + 1; i < hi; i++) {
                int v = a[i];
                double kv = key[v];
                int j = i - 1;
                while (j >= lo && key[a[j]] < kv) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return;
        }
        int mid = (lo + hi) >>> 1;
        sort(key, a, tmp, lo, mid);
        sort(key, a, tmp, mid, hi);
        if (!(key[a[mid - 1]] < key[a[mid]])) {
            return; // already in order
        }
        System.arraycopy(a, lo, tmp, lo, hi - lo);
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
            // Take from the right half only when strictly larger: ties keep the left (earlier) item.
            if (j >= hi || (i < mid && !(key[tmp[j]] > key[tmp[i]]))) {
                a[k] = tmp[i++];
            } else {
                a[k] = tmp[j++];
            }
        }
    }
}
