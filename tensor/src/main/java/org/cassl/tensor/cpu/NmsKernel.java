package org.cassl.tensor.cpu;

import java.util.Arrays;
import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.Tensor;

/**
 * Greedy NMS with torchvision's semantics: boxes taken by score descending (a stable order, so
 * equal scores keep the lower index first), a box is dropped when its IoU with an already kept
 * box is strictly above the threshold; IoU {@code inter / (areaI + areaJ - inter)} without +1,
 * each step rounded to float for float32 input exactly as torchvision's float kernel does.
 *
 * <p>Greedy NMS keeps box j exactly when no earlier <em>kept</em> box overlaps it by more than
 * the threshold. With a threshold {@code >= 0} only boxes with a positive intersection can do
 * that, so kept boxes go into a uniform grid of cells (about the median box size) and each
 * candidate is tested only against kept boxes sharing a cell with it. Inputs the grid cannot
 * handle (non-finite coordinates, a negative threshold) take torchvision's quadratic loop.
 */
final class NmsKernel {
    /** A kept box covering more cells than this goes to a list every candidate checks. */
    private static final int MAX_CELLS_PER_BOX = 64;

    private final boolean f32;
    private final double thr;
    private final int n;
    private final double[] x1;
    private final double[] y1;
    private final double[] x2;
    private final double[] y2;
    private final double[] area;

    private NmsKernel(boolean f32, double thr, int n) {
        this.f32 = f32;
        this.thr = thr;
        this.n = n;
        x1 = new double[n];
        y1 = new double[n];
        x2 = new double[n];
        y2 = new double[n];
        area = new double[n];
    }

    private double r(double v) {
        return f32 ? (double) (float) v : v;
    }

    /** Whether sorted box j is suppressed by sorted box i (torchvision's arithmetic). */
    private boolean suppresses(int i, int j) {
        double w = Math.max(0, r(Math.min(x2[i], x2[j]) - Math.max(x1[i], x1[j])));
        double h = Math.max(0, r(Math.min(y2[i], y2[j]) - Math.max(y1[i], y1[j])));
        double inter = r(w * h);
        double ovr = r(inter / r(r(area[i] + area[j]) - inter));
        return ovr > thr;
    }

    /** {@code boxes [N,4]}, {@code scores [N]} (float, any strides) -> kept indices, I64 {@code [K]}. */
    static Tensor run(Tensor boxes, Tensor scores, double iouThreshold) {
        int n = boxes.size(0);
        int[] order = descendingOrder(scores);
        NmsKernel k = new NmsKernel(boxes.dtype() == DType.F32, iouThreshold, n);
        Object ba = Elem.array(boxes);
        int s0 = boxes.stride(0);
        int s1 = boxes.stride(1);
        boolean finite = true;
        for (int p = 0; p < n; p++) {
            int o = boxes.offset() + order[p] * s0;
            k.x1[p] = Elem.getD(ba, o);
            k.y1[p] = Elem.getD(ba, o + s1);
            k.x2[p] = Elem.getD(ba, o + 2 * s1);
            k.y2[p] = Elem.getD(ba, o + 3 * s1);
            k.area[p] = k.r(k.r(k.x2[p] - k.x1[p]) * k.r(k.y2[p] - k.y1[p]));
            finite &= Double.isFinite(k.x1[p]) && Double.isFinite(k.y1[p]) && Double.isFinite(k.x2[p])
                    && Double.isFinite(k.y2[p]);
        }
        int[] kept;
        if (Double.isNaN(iouThreshold)) {
            kept = order;  // nothing compares above NaN
        } else {
            int[] keptPos = finite && iouThreshold >= 0 ? k.gridGreedy() : k.quadraticGreedy();
            kept = new int[keptPos.length];
            for (int i = 0; i < kept.length; i++) {
                kept[i] = order[keptPos[i]];
            }
        }
        long[] out = new long[kept.length];
        for (int i = 0; i < kept.length; i++) {
            out[i] = kept[i];
        }
        return kept.length == 0 ? Tensor.zeros(DType.I64, Device.CPU, 0) : Tensor.of(out, out.length);
    }

    /** Positions 0..n-1 ordered by score descending, equal scores by position (NaN first, as torch). */
    static int[] descendingOrder(Tensor scores) {
        int n = scores.size(0);
        Object sa = Elem.array(scores);
        int st = n == 0 ? 0 : scores.stride(0);
        int[] order = new int[n];
        if (sa instanceof float[] f) {
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                keys[i] = SortKeys.pack(SortKeys.f32(f[scores.offset() + i * st]), i, true);
            }
            Arrays.sort(keys);
            for (int i = 0; i < n; i++) {
                order[i] = SortKeys.position(keys[i]);
            }
        } else {
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                keys[i] = ~SortKeys.f64(Elem.getD(sa, scores.offset() + i * st));
                order[i] = i;
            }
            SortKeys.stableSort(keys, order, n, new long[n], new int[n]);
        }
        return order;
    }

    /** torchvision's loop: each kept box suppresses every later box it overlaps too much. */
    private int[] quadraticGreedy() {
        boolean[] suppressed = new boolean[n];
        int[] kept = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (suppressed[i]) {
                continue;
            }
            kept[count++] = i;
            for (int j = i + 1; j < n; j++) {
                if (!suppressed[j] && suppresses(i, j)) {
                    suppressed[j] = true;
                }
            }
        }
        return Arrays.copyOf(kept, count);
    }

    /** The same result for finite boxes and a threshold >= 0, testing only boxes that share a cell. */
    private int[] gridGreedy() {
        // grid extent and cell size from the boxes with positive area (others can never overlap)
        double minX = Double.POSITIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        int valid = 0;
        for (int i = 0; i < n; i++) {
            if (x2[i] > x1[i] && y2[i] > y1[i]) {
                minX = Math.min(minX, x1[i]);
                minY = Math.min(minY, y1[i]);
                maxX = Math.max(maxX, x2[i]);
                maxY = Math.max(maxY, y2[i]);
                valid++;
            }
        }
        if (valid == 0) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        double cellW = medianExtent(x1, x2, y1, y2, true);
        double cellH = medianExtent(x1, x2, y1, y2, false);
        int gw = cellsAlong(maxX - minX, cellW);
        int gh = cellsAlong(maxY - minY, cellH);
        long maxCells = 4L * valid + 64;
        while ((long) gw * gh > maxCells) {
            gw = Math.max(1, gw / 2);
            gh = Math.max(1, gh / 2);
        }
        double invW = maxX > minX ? gw / (maxX - minX) : 0;
        double invH = maxY > minY ? gh / (maxY - minY) : 0;

        int[] head = new int[gw * gh];
        Arrays.fill(head, -1);
        int[] next = new int[Math.max(16, n)];
        int[] entry = new int[next.length];
        int entries = 0;
        int[] big = new int[16];
        int bigCount = 0;
        int[] kept = new int[n];
        int keptCount = 0;
        int[] stamp = new int[n];
        Arrays.fill(stamp, -1);

        for (int j = 0; j < n; j++) {
            int cx0 = cell(x1[j], minX, invW, gw);
            int cx1 = cell(x2[j], minX, invW, gw);
            int cy0 = cell(y1[j], minY, invH, gh);
            int cy1 = cell(y2[j], minY, invH, gh);
            boolean canOverlap = x2[j] > x1[j] && y2[j] > y1[j];
            boolean suppressed = false;
            if (canOverlap) {
                for (int b = 0; b < bigCount && !suppressed; b++) {
                    suppressed = suppresses(big[b], j);
                }
                long cells = (long) (cx1 - cx0 + 1) * (cy1 - cy0 + 1);
                if (!suppressed && cells > 4L * MAX_CELLS_PER_BOX) {
                    for (int k = 0; k < keptCount && !suppressed; k++) {
                        suppressed = suppresses(kept[k], j);
                    }
                } else {
                    for (int cy = cy0; cy <= cy1 && !suppressed; cy++) {
                        for (int cx = cx0; cx <= cx1 && !suppressed; cx++) {
                            for (int e = head[cy * gw + cx]; e >= 0; e = next[e]) {
                                int i = entry[e];
                                if (stamp[i] == j) {
                                    continue;
                                }
                                stamp[i] = j;
                                if (suppresses(i, j)) {
                                    suppressed = true;
                                    break;
                                }
                            }
                        }
                    }
                }
            }
            if (suppressed) {
                continue;
            }
            kept[keptCount++] = j;
            if (!canOverlap) {
                continue;
            }
            long cells = (long) (cx1 - cx0 + 1) * (cy1 - cy0 + 1);
            if (cells > MAX_CELLS_PER_BOX) {
                if (bigCount == big.length) {
                    big = Arrays.copyOf(big, bigCount * 2);
                }
                big[bigCount++] = j;
                continue;
            }
            if (entries + cells > next.length) {
                int cap = (int) Math.max(next.length * 2L, entries + cells);
                next = Arrays.copyOf(next, cap);
                entry = Arrays.copyOf(entry, cap);
            }
            for (int cy = cy0; cy <= cy1; cy++) {
                for (int cx = cx0; cx <= cx1; cx++) {
                    int c = cy * gw + cx;
                    entry[entries] = j;
                    next[entries] = head[c];
                    head[c] = entries++;
                }
            }
        }
        return Arrays.copyOf(kept, keptCount);
    }

    /** Monotone map of a coordinate to its cell column or row. */
    private static int cell(double v, double min, double inv, int cells) {
        int c = (int) ((v - min) * inv);
        return Math.max(0, Math.min(cells - 1, c));
    }

    private static int cellsAlong(double range, double cell) {
        if (!(range > 0) || !(cell > 0)) {
            return 1;
        }
        return (int) Math.max(1, Math.min(4096, Math.ceil(range / cell)));
    }

    /** Median width (or height) over a sample of the boxes with positive area. */
    private double medianExtent(double[] lo1, double[] hi1, double[] lo2, double[] hi2, boolean widths) {
        int step = Math.max(1, n / 1024);
        double[] s = new double[Math.min(n, 1024) + 1];
        int m = 0;
        for (int i = 0; i < n && m < s.length; i += step) {
            if (hi1[i] > lo1[i] && hi2[i] > lo2[i]) {
                s[m++] = widths ? hi1[i] - lo1[i] : hi2[i] - lo2[i];
            }
        }
        if (m == 0) {
            return 0;
        }
        Arrays.sort(s, 0, m);
        return s[m / 2];
    }
}
