package org.cassl.detection.fcos;

import org.cassl.detection.FcosConfig.Assignment;
import org.cassl.tensor.Tensor;

/** The assignment rules as plain loops in float32 arithmetic: an independent oracle for tests. */
final class AssignmentOracle {
    private AssignmentOracle() {
    }

    static long[] assign(Assignment rules, Anchors anchors, Tensor gtBoxes, float radius) {
        float[] a = anchors.boxes().toFloatArray();
        float[] g = gtBoxes.toFloatArray();
        int p = anchors.numPoints();
        int n = g.length / 4;
        int[] counts = anchors.pointsPerLevel();
        int lastStart = p - counts[counts.length - 1];
        long[] out = new long[p];
        for (int i = 0; i < p; i++) {
            float x = (a[4 * i] + a[4 * i + 2]) / 2f;
            float y = (a[4 * i + 1] + a[4 * i + 3]) / 2f;
            float s = a[4 * i + 2] - a[4 * i];
            float lower = i < counts[0] ? (rules == Assignment.ORIGINAL ? -1f : 0f) : 4f * s;
            float upper = i >= lastStart ? Float.POSITIVE_INFINITY : 8f * s;
            out[i] = rules == Assignment.ORIGINAL
                    ? original(g, n, x, y, s, lower, upper, radius)
                    : torchvision(g, n, x, y, s, lower, upper, radius);
        }
        return out;
    }

    private static long torchvision(float[] g, int n, float x, float y, float s, float lower, float upper, float radius) {
        long best = -1;
        float bestVal = 0;
        for (int k = 0; k < n; k++) {
            float x0 = g[4 * k];
            float y0 = g[4 * k + 1];
            float x1 = g[4 * k + 2];
            float y1 = g[4 * k + 3];
            float cx = (x0 + x1) / 2f;
            float cy = (y0 + y1) / 2f;
            boolean ok = Math.max(Math.abs(x - cx), Math.abs(y - cy)) < radius * s;
            float l = x - x0;
            float t = y - y0;
            float r = x1 - x;
            float b = y1 - y;
            ok &= Math.min(Math.min(l, t), Math.min(r, b)) > 0;
            float m = Math.max(Math.max(l, t), Math.max(r, b));
            ok &= m > lower && m < upper;
            float val = ok ? 1e8f - (x1 - x0) * (y1 - y0) : 0f;
            if (best < 0 ? val > bestVal || k == 0 : val > bestVal) {
                bestVal = val;
                best = k;
            }
        }
        return bestVal < 1e-5f ? -1 : best;
    }

    private static long original(float[] g, int n, float x, float y, float s, float lower, float upper, float radius) {
        long best = -1;
        float bestArea = Float.POSITIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            float x0 = g[4 * k];
            float y0 = g[4 * k + 1];
            float x1 = g[4 * k + 2];
            float y1 = g[4 * k + 3];
            float cx = (x0 + x1) / 2f;
            float cy = (y0 + y1) / 2f;
            float reach = s * radius;
            float rx0 = Math.max(cx - reach, x0);
            float ry0 = Math.max(cy - reach, y0);
            float rx1 = Math.min(cx + reach, x1);
            float ry1 = Math.min(cy + reach, y1);
            boolean ok = Math.min(Math.min(x - rx0, y - ry0), Math.min(rx1 - x, ry1 - y)) > 0;
            float m = Math.max(Math.max(x - x0, y - y0), Math.max(x1 - x, y1 - y));
            ok &= m >= lower && m <= upper;
            float area = (x1 - x0 + 1) * (y1 - y0 + 1);
            if (ok && area < bestArea) {
                bestArea = area;
                best = k;
            }
        }
        return best;
    }
}
