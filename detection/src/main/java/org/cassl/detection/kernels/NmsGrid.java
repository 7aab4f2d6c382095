package org.cassl.detection.kernels;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast path of {@link NmsKernel} for finite boxes and a threshold {@code >= 0}: candidate j
 * (in score order) is kept exactly when no earlier kept box overlaps it with IoU above the
 * threshold, and only kept boxes with a positive intersection can. Kept boxes are filed once, by
 * their top-left corner, in a uniform grid of cells half the median box size; boxes more than
 * {@link #SMALL} cells wide or tall go to a list every candidate scans. A candidate scans the
 * cells where the corner of an overlapping filed box can lie. Entries keep their coordinates in
 * structure-of-arrays form so the scan rejects non-overlapping boxes a vector at a time; for
 * float32 the whole IoU test is vectorised in float arithmetic, bit for bit torchvision's.
 */
final class NmsGrid {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Grid cell size as a fraction of the median box width/height. */
    private static final double CELL = 0.5;
    /** Boxes up to this many cells wide and tall are filed in the grid. */
    private static final double SMALL = 4;

    private final NmsKernel k;
    private final int n;
    /** For float32: {@code ovr > thr} (a double) is {@code ovr >= thrF} or {@code ovr > thrF}. */
    private final float thrF;
    private final boolean thrInclusive;

    NmsGrid(NmsKernel k) {
        this.k = k;
        this.n = k.n;
        this.thrF = (float) k.thr;
        // no float lies strictly between thr and its float rounding
        this.thrInclusive = thrF > k.thr;
    }

    /** Sorted positions of the kept boxes. */
    int[] greedy() {
        double[] x1 = k.x1;
        double[] y1 = k.y1;
        double[] x2 = k.x2;
        double[] y2 = k.y2;
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
        int gw = cellsAlong(maxX - minX, medianExtent(true) * CELL);
        int gh = cellsAlong(maxY - minY, medianExtent(false) * CELL);
        long maxCells = 2L * valid + 64;
        while ((long) gw * gh > maxCells) {
            gw = Math.max(1, (gw + 1) / 2);
            gh = Math.max(1, (gh + 1) / 2);
        }
        double invW = maxX > minX ? gw / (maxX - minX) : 0;
        double invH = maxY > minY ? gh / (maxY - minY) : 0;
        double limitW = SMALL * (maxX - minX) / gw;
        double limitH = SMALL * (maxY - minY) / gh;
        // the scan reaches back from a candidate's corner by the widest (tallest) filed box
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

        Entries[] cells = new Entries[gw * gh];
        Entries big = new Entries(k.f32);
        Entries small = new Entries(k.f32);
        for (int j = 0; j < n; j++) {
            boolean canOverlap = x2[j] > x1[j] && y2[j] > y1[j];
            if (canOverlap) {
                boolean suppressed = scan(big, j);
                if (!suppressed) {
                    int cx0 = cell(x1[j] - reachW, minX, invW, gw);
                    int cx1 = cell(x2[j], minX, invW, gw);
                    int cy0 = cell(y1[j] - reachH, minY, invH, gh);
                    int cy1 = cell(y2[j], minY, invH, gh);
                    long span = (long) (cx1 - cx0 + 1) * (cy1 - cy0 + 1);
                    if (span * 8 > small.count) {
                        suppressed = scan(small, j);   // cheaper than visiting that many cells
                    } else {
                        for (int cy = cy0; cy <= cy1 && !suppressed; cy++) {
                            for (int cx = cx0; cx <= cx1 && !suppressed; cx++) {
                                Entries e = cells[cy * gw + cx];
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
                continue;   // never intersects anything: neither suppresses nor is suppressed
            }
            if (x2[j] - x1[j] > limitW || y2[j] - y1[j] > limitH) {
                big.add(k, j);
            } else {
                small.add(k, j);
                int c = cell(y1[j], minY, invH, gh) * gw + cell(x1[j], minX, invW, gw);
                if (cells[c] == null) {
                    cells[c] = new Entries(k.f32);
                }
                cells[c].add(k, j);
            }
        }
        return Arrays.copyOf(kept, keptCount);
    }

    private boolean scan(Entries e, int j) {
        return e.count > 0 && (k.f32 ? scanFloat(e, j) : scanDouble(e, j));
    }

    /** Float32: overlap and IoU of a vector of kept boxes against candidate j, in float. */
    private boolean scanFloat(Entries e, int j) {
        float jx1 = (float) k.x1[j];
        float jy1 = (float) k.y1[j];
        float jx2 = (float) k.x2[j];
        float jy2 = (float) k.y2[j];
        float ja = (float) k.area[j];
        int count = e.count;
        int i = 0;
        int bound = F.loopBound(count);
        for (; i < bound; i += F.length()) {
            FloatVector ix1 = FloatVector.fromArray(F, e.fx1, i);
            FloatVector iy1 = FloatVector.fromArray(F, e.fy1, i);
            FloatVector ix2 = FloatVector.fromArray(F, e.fx2, i);
            FloatVector iy2 = FloatVector.fromArray(F, e.fy2, i);
            VectorMask<Float> m = ix1.lt(jx2).and(ix2.compare(VectorOperators.GT, jx1)).and(iy1.lt(jy2))
                    .and(iy2.compare(VectorOperators.GT, jy1));
            if (!m.anyTrue()) {
                continue;
            }
            // on overlapping lanes both extents are positive, so torchvision's max(0, .) is a no-op
            FloatVector w = ix2.min(jx2).sub(ix1.max(jx1));
            FloatVector h = iy2.min(jy2).sub(iy1.max(jy1));
            FloatVector inter = w.mul(h);
            FloatVector ovr = inter.div(FloatVector.fromArray(F, e.farea, i).add(ja).sub(inter));
            VectorMask<Float> above = thrInclusive ? ovr.compare(VectorOperators.GE, thrF)
                    : ovr.compare(VectorOperators.GT, thrF);
            if (m.and(above).anyTrue()) {
                return true;
            }
        }
        for (; i < count; i++) {
            if (e.fx1[i] < jx2 && e.fx2[i] > jx1 && e.fy1[i] < jy2 && e.fy2[i] > jy1) {
                float w = Math.min(e.fx2[i], jx2) - Math.max(e.fx1[i], jx1);
                float h = Math.min(e.fy2[i], jy2) - Math.max(e.fy1[i], jy1);
                float inter = w * h;
                float ovr = inter / (e.farea[i] + ja - inter);
                if (ovr > k.thr) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Float64: vectorised overlap rejection, then the scalar IoU of {@link NmsKernel}. */
    private boolean scanDouble(Entries e, int j) {
        double jx1 = k.x1[j];
        double jy1 = k.y1[j];
        double jx2 = k.x2[j];
        double jy2 = k.y2[j];
        int count = e.count;
        int i = 0;
        int bound = D.loopBound(count);
        for (; i < bound; i += D.length()) {
            VectorMask<Double> m = DoubleVector.fromArray(D, e.dx1, i).lt(jx2)
                    .and(DoubleVector.fromArray(D, e.dx2, i).compare(VectorOperators.GT, jx1))
                    .and(DoubleVector.fromArray(D, e.dy1, i).lt(jy2))
                    .and(DoubleVector.fromArray(D, e.dy2, i).compare(VectorOperators.GT, jy1));
            if (m.anyTrue()) {
                long bits = m.toLong();
                while (bits != 0) {
                    int lane = Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    if (iouAbove(e, i + lane, j)) {
                        return true;
                    }
                }
            }
        }
        for (; i < count; i++) {
            if (e.dx1[i] < jx2 && e.dx2[i] > jx1 && e.dy1[i] < jy2 && e.dy2[i] > jy1 && iouAbove(e, i, j)) {
                return true;
            }
        }
        return false;
    }

    private boolean iouAbove(Entries e, int i, int j) {
        double w = NmsKernel.cmin(e.dx2[i], k.x2[j]) - NmsKernel.cmax(e.dx1[i], k.x1[j]);
        double h = NmsKernel.cmin(e.dy2[i], k.y2[j]) - NmsKernel.cmax(e.dy1[i], k.y1[j]);
        double inter = w * h;
        return inter / (e.darea[i] + k.area[j] - inter) > k.thr;
    }

    /** Kept boxes (coordinates and area) as a structure of arrays, float or double. */
    private static final class Entries {
        final boolean f32;
        float[] fx1;
        float[] fy1;
        float[] fx2;
        float[] fy2;
        float[] farea;
        double[] dx1;
        double[] dy1;
        double[] dx2;
        double[] dy2;
        double[] darea;
        int count;

        Entries(boolean f32) {
            this.f32 = f32;
            grow(16);
        }

        private void grow(int cap) {
            if (f32) {
                fx1 = fx1 == null ? new float[cap] : Arrays.copyOf(fx1, cap);
                fy1 = fy1 == null ? new float[cap] : Arrays.copyOf(fy1, cap);
                fx2 = fx2 == null ? new float[cap] : Arrays.copyOf(fx2, cap);
                fy2 = fy2 == null ? new float[cap] : Arrays.copyOf(fy2, cap);
                farea = farea == null ? new float[cap] : Arrays.copyOf(farea, cap);
            } else {
                dx1 = dx1 == null ? new double[cap] : Arrays.copyOf(dx1, cap);
                dy1 = dy1 == null ? new double[cap] : Arrays.copyOf(dy1, cap);
                dx2 = dx2 == null ? new double[cap] : Arrays.copyOf(dx2, cap);
                dy2 = dy2 == null ? new double[cap] : Arrays.copyOf(dy2, cap);
                darea = darea == null ? new double[cap] : Arrays.copyOf(darea, cap);
            }
        }

        void add(NmsKernel k, int j) {
            if (count == (f32 ? fx1.length : dx1.length)) {
                grow(count * 2);
            }
            if (f32) {
                fx1[count] = (float) k.x1[j];
                fy1[count] = (float) k.y1[j];
                fx2[count] = (float) k.x2[j];
                fy2[count] = (float) k.y2[j];
                farea[count] = (float) k.area[j];
            } else {
                dx1[count] = k.x1[j];
                dy1[count] = k.y1[j];
                dx2[count] = k.x2[j];
                dy2[count] = k.y2[j];
                darea[count] = k.area[j];
            }
            count++;
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
            double w = k.x2[i] - k.x1[i];
            double h = k.y2[i] - k.y1[i];
            if (w > 0 && h > 0) {
                s[m++] = widths ? w : h;
            }
        }
        if (m == 0) {
            return 0;
        }
        Arrays.sort(s, 0, m);
        return s[m / 2];
    }
}
