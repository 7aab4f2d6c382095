package org.cassl.tensor.cpu;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
 * that, so kept boxes are filed by their top-left corner in a uniform grid (cells of half the
 * median box size) and each candidate is tested only against kept boxes whose corner lies where an
 * overlapping box's corner can lie. Inputs the grid cannot handle (non-finite coordinates, a
 * negative threshold) take torchvision's quadratic loop; a NaN threshold keeps everything.
 */
final class NmsKernel {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    /** Grid cell size as a fraction of the median box width/height. */
    private static final double CELL = 0.5;
    /** Boxes up to this many cells wide and tall are filed in the grid; larger ones in a list. */
    private static final double SMALL = 4;

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
        double w = cmax(0, r(cmin(x2[i], x2[j]) - cmax(x1[i], x1[j])));
        double h = cmax(0, r(cmin(y2[i], y2[j]) - cmax(y1[i], y1[j])));
        double inter = r(w * h);
        double ovr = r(inter / r(r(area[i] + area[j]) - inter));
        return ovr > thr;
    }

    /** C++'s {@code std::max}: the first argument unless it is less than the second (NaN-aware like torchvision). */
    private static double cmax(double a, double b) {
        return a < b ? b : a;
    }

    /** C++'s {@code std::min}. */
    private static double cmin(double a, double b) {
        return b < a ? b : a;
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

    /**
     * The same result for finite boxes and a threshold >= 0. A kept box is filed once, in the cell
     * of its top-left corner (boxes wider or taller than two cells go to a list every candidate
     * scans); a candidate scans the cells whose corners could belong to an overlapping box.
     * Entries store their coordinates inline, so scans stream through memory.
     */
    private int[] gridGreedy() {
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
        int[] kept = new int[n];
        int keptCount = 0;
        if (valid == 0) {
            for (int i = 0; i < n; i++) {
                kept[i] = i;
            }
            return kept;
        }
        double cellW = medianExtent(true) * CELL;
        double cellH = medianExtent(false) * CELL;
        int gw = cellsAlong(maxX - minX, cellW);
        int gh = cellsAlong(maxY - minY, cellH);
        long maxCells = 2L * valid + 64;
        while ((long) gw * gh > maxCells) {
            gw = Math.max(1, (gw + 1) / 2);
            gh = Math.max(1, (gh + 1) / 2);
        }
        double invW = maxX > minX ? gw / (maxX - minX) : 0;
        double invH = maxY > minY ? gh / (maxY - minY) : 0;
        // boxes up to SMALL cells wide are filed by corner; the scan reaches back by the widest of them
        double limitW = SMALL * (maxX - minX) / gw;
        double limitH = SMALL * (maxY - minY) / gh;
        double reachW = 0;
        double reachH = 0;
        for (int i = 0; i < n; i++) {
            double w = x2[i] - x1[i];
            double h = y2[i] - y1[i];
            if (w > 0 && h > 0 && w <= limitW && h <= limitH) {
                reachW = Math.max(reachW, w);
                reachH = Math.max(reachH, h);
            }
        }
        // slack far above the rounding of 'x1 - reach' keeps the corner-cell bound conservative
        reachW += 1e-9 * (Math.abs(minX) + Math.abs(maxX)) + 1e-6 * reachW;
        reachH += 1e-9 * (Math.abs(minY) + Math.abs(maxY)) + 1e-6 * reachH;

        Cells cells = new Cells(gw * gh);
        Entries big = new Entries();
        Entries small = new Entries();
        for (int j = 0; j < n; j++) {
            double bx1 = x1[j];
            double by1 = y1[j];
            double bx2 = x2[j];
            double by2 = y2[j];
            boolean canOverlap = bx2 > bx1 && by2 > by1;
            if (canOverlap) {
                boolean suppressed = scan(big, j);
                if (!suppressed) {
                    int cx0 = cell(bx1 - reachW, minX, invW, gw);
                    int cx1 = cell(bx2, minX, invW, gw);
                    int cy0 = cell(by1 - reachH, minY, invH, gh);
                    int cy1 = cell(by2, minY, invH, gh);
                    long span = (long) (cx1 - cx0 + 1) * (cy1 - cy0 + 1);
                    if (span * 8 > small.count) {
                        suppressed = scan(small, j);
                    } else {
                        for (int cy = cy0; cy <= cy1 && !suppressed; cy++) {
                            for (int cx = cx0; cx <= cx1 && !suppressed; cx++) {
                                Entries e = cells.at(cy * gw + cx);
                                suppressed = e != null && scan(e, j);
                            }
                        }
                    }
                }
                if (suppressed) {
                    continue;
                }
            }
            kept[keptCount++] = j;
            if (!canOverlap) {
                continue;
            }
            if (bx2 - bx1 > limitW || by2 - by1 > limitH) {
                big.add(this, j);
            } else {
                small.add(this, j);
                cells.get(cell(by1, minY, invH, gh) * gw + cell(bx1, minX, invW, gw)).add(this, j);
            }
        }
        return Arrays.copyOf(kept, keptCount);
    }

    /**
     * Whether some box in {@code e} suppresses candidate j. Boxes without a positive intersection
     * (IoU 0 or NaN, never above a threshold >= 0) are rejected a vector of entries at a time.
     */
    private boolean scan(Entries e, int j) {
        double jx1 = x1[j];
        double jy1 = y1[j];
        double jx2 = x2[j];
        double jy2 = y2[j];
        int count = e.count;
        int k = 0;
        int bound = D.loopBound(count);
        for (; k < bound; k += D.length()) {
            VectorMask<Double> m = DoubleVector.fromArray(D, e.x1, k).lt(jx2)
                    .and(DoubleVector.fromArray(D, e.x2, k).compare(VectorOperators.GT, jx1))
                    .and(DoubleVector.fromArray(D, e.y1, k).lt(jy2))
                    .and(DoubleVector.fromArray(D, e.y2, k).compare(VectorOperators.GT, jy1));
            if (m.anyTrue()) {
                long bits = m.toLong();
                while (bits != 0) {
                    int lane = Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    if (iouAbove(e, k + lane, j)) {
                        return true;
                    }
                }
            }
        }
        for (; k < count; k++) {
            if (e.x1[k] < jx2 && e.x2[k] > jx1 && e.y1[k] < jy2 && e.y2[k] > jy1 && iouAbove(e, k, j)) {
                return true;
            }
        }
        return false;
    }

    /** torchvision's IoU test of kept entry k (the earlier box) against candidate j. */
    private boolean iouAbove(Entries e, int k, int j) {
        double w = r(cmin(e.x2[k], x2[j]) - cmax(e.x1[k], x1[j]));
        double h = r(cmin(e.y2[k], y2[j]) - cmax(e.y1[k], y1[j]));
        double inter = r(w * h);
        double ovr = r(inter / r(r(e.area[k] + area[j]) - inter));
        return ovr > thr;
    }

    /** Kept boxes with their coordinates and area, structure of arrays. */
    private static final class Entries {
        double[] x1 = new double[8];
        double[] y1 = new double[8];
        double[] x2 = new double[8];
        double[] y2 = new double[8];
        double[] area = new double[8];
        int count;

        void add(NmsKernel k, int j) {
            if (count == x1.length) {
                int cap = count * 2;
                x1 = Arrays.copyOf(x1, cap);
                y1 = Arrays.copyOf(y1, cap);
                x2 = Arrays.copyOf(x2, cap);
                y2 = Arrays.copyOf(y2, cap);
                area = Arrays.copyOf(area, cap);
            }
            x1[count] = k.x1[j];
            y1[count] = k.y1[j];
            x2[count] = k.x2[j];
            y2[count] = k.y2[j];
            area[count] = k.area[j];
            count++;
        }
    }

    /** Lazily created entry lists, one per grid cell. */
    private static final class Cells {
        private final Entries[] cells;

        Cells(int n) {
            cells = new Entries[n];
        }

        Entries at(int c) {
            return cells[c];
        }

        Entries get(int c) {
            Entries e = cells[c];
            if (e == null) {
                e = new Entries();
                cells[c] = e;
            }
            return e;
        }
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
    private double medianExtent(boolean widths) {
        int step = Math.max(1, n / 1024);
        double[] s = new double[Math.min(n, 1024) + 1];
        int m = 0;
        for (int i = 0; i < n && m < s.length; i += step) {
            if (x2[i] > x1[i] && y2[i] > y1[i]) {
                s[m++] = widths ? x2[i] - x1[i] : y2[i] - y1[i];
            }
        }
        if (m == 0) {
            return 0;
        }
        Arrays.sort(s, 0, m);
        return s[m / 2];
    }
}
