package org.cassl.detection.kernels;

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
 * that, so {@link NmsGrid} tests each candidate only against nearby kept boxes. Inputs the grid
 * cannot handle (non-finite coordinates, a negative threshold) take torchvision's quadratic loop;
 * a NaN threshold keeps everything.
 */
final class NmsKernel {
    final boolean f32;
    final double thr;
    final int n;
    final double[] x1;
    final double[] y1;
    final double[] x2;
    final double[] y2;
    final double[] area;

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

    double r(double v) {
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
    static double cmax(double a, double b) {
        return a < b ? b : a;
    }

    /** C++'s {@code std::min}. */
    static double cmin(double a, double b) {
        return b < a ? b : a;
    }

    /** {@code boxes [N,4]}, {@code scores [N]} (float, any strides) -> kept indices, I64 {@code [K]}. */
    static Tensor run(Tensor boxes, Tensor scores, double iouThreshold) {
        int n = boxes.size(0);
        int[] order = descendingOrder(scores);
        NmsKernel k = new NmsKernel(boxes.dtype() == DType.F32, iouThreshold, n);
        Object ba = HostData.array(boxes);
        int s0 = boxes.stride(0);
        int s1 = boxes.stride(1);
        boolean finite = true;
        for (int p = 0; p < n; p++) {
            int o = boxes.offset() + order[p] * s0;
            k.x1[p] = HostData.getD(ba, o);
            k.y1[p] = HostData.getD(ba, o + s1);
            k.x2[p] = HostData.getD(ba, o + 2 * s1);
            k.y2[p] = HostData.getD(ba, o + 3 * s1);
            k.area[p] = k.r(k.r(k.x2[p] - k.x1[p]) * k.r(k.y2[p] - k.y1[p]));
            finite &= Double.isFinite(k.x1[p]) && Double.isFinite(k.y1[p]) && Double.isFinite(k.x2[p])
                    && Double.isFinite(k.y2[p]);
        }
        int[] kept;
        if (Double.isNaN(iouThreshold)) {
            kept = order;  // nothing compares above NaN
        } else {
            int[] keptPos = finite && iouThreshold >= 0 ? new NmsGrid(k).greedy() : k.quadraticGreedy();
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

    /**
     * Positions 0..n-1 ordered by score descending, equal scores by position (NaN first, as torch):
     * the tensor layer's stable sort.
     */
    static int[] descendingOrder(Tensor scores) {
        int n = scores.size(0);
        int[] order = new int[n];
        if (n == 0) {
            return order;
        }
        long[] idx = scores.sort(0, true).indices().toLongArray();
        for (int i = 0; i < n; i++) {
            order[i] = (int) idx[i];
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
}
