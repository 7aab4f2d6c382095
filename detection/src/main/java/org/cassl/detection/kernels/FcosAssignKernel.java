package org.cassl.detection.kernels;

import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.cpu.Parallel;

/**
 * FCOS target assignment for one image, fused into a single pass over points x boxes with
 * torchvision 0.14's arithmetic (float32 steps for float32 input). Per point and box: match when
 * {@code max(|x-cx|, |y-cy|) < radius * anchorSize}, {@code min(l,t,r,b) > 0} and
 * {@code lower < max(l,t,r,b) < upper}; the score of a match is {@code 1e8 - area}; the point
 * takes the first box of maximal score (torch's argmax over {@code match * (1e8 - area)}), or -1
 * when that maximum is below 1e-5.
 */
final class FcosAssignKernel {
    private FcosAssignKernel() {
    }

    private static double[] column(Tensor t, int col) {
        int n = t.size(0);
        Object a = HostData.array(t);
        int s0 = n == 0 ? 0 : t.stride(0);
        int s1 = t.dim() > 1 ? t.stride(1) : 0;
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = HostData.getD(a, t.offset() + i * s0 + col * s1);
        }
        return r;
    }

    static void run(Parallel par, Tensor centers, Tensor anchorSizes, Tensor lower, Tensor upper, Tensor gtBoxes,
                    double radius, Tensor matched) {
        boolean f32 = (centers.dtype() == DType.F32);
        int np = centers.size(0);
        int ng = gtBoxes.size(0);
        double[] px = column(centers, 0);
        double[] py = column(centers, 1);
        double[] size = column(anchorSizes, 0);
        double[] lo = column(lower, 0);
        double[] hi = column(upper, 0);
        double[] x0 = column(gtBoxes, 0);
        double[] y0 = column(gtBoxes, 1);
        double[] x1 = column(gtBoxes, 2);
        double[] y1 = column(gtBoxes, 3);
        double[] cx = new double[ng];
        double[] cy = new double[ng];
        double[] score = new double[ng];
        for (int g = 0; g < ng; g++) {
            cx[g] = r(r(x0[g] + x1[g], f32) / 2, f32);
            cy[g] = r(r(y0[g] + y1[g], f32) / 2, f32);
            double area = r(r(x1[g] - x0[g], f32) * r(y1[g] - y0[g], f32), f32);
            score[g] = r(1e8 - area, f32);
        }
        double rad = f32 ? (float) radius : radius;
        double minScore = r(1e-5, f32);
        long[] out = (long[]) HostData.array(matched);
        int oo = matched.offset();
        par.forRange(np, Math.max(1, 8192 / Math.max(1, ng)), (s, e) -> {
            for (int p = s; p < e; p++) {
                double x = px[p];
                double y = py[p];
                double reach = r(rad * size[p], f32);
                // torch's max over the row: unmatched boxes contribute 0, ties keep the first box
                int best = -1;
                double bestVal = Double.NEGATIVE_INFINITY;
                for (int g = 0; g < ng; g++) {
                    double v = 0;
                    if (Math.max(Math.abs(r(x - cx[g], f32)), Math.abs(r(y - cy[g], f32))) < reach) {
                        double l = r(x - x0[g], f32);
                        double t = r(y - y0[g], f32);
                        double rr = r(x1[g] - x, f32);
                        double b = r(y1[g] - y, f32);
                        double far = Math.max(Math.max(l, t), Math.max(rr, b));
                        if (Math.min(Math.min(l, t), Math.min(rr, b)) > 0 && far > lo[p] && far < hi[p]) {
                            v = score[g];
                        }
                    }
                    if (v > bestVal) {
                        bestVal = v;
                        best = g;
                    }
                }
                out[oo + p] = best >= 0 && bestVal >= minScore ? best : -1;
            }
        });
    }

    private static double r(double v, boolean f32) {
        return f32 ? (double) (float) v : v;
    }
}
