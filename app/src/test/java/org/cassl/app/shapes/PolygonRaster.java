package org.cassl.app.shapes;

import java.util.Arrays;
import java.util.List;

/**
 * An independent scanline rasteriser for COCO polygons, for tests: a pixel is inside a polygon
 * when its centre is, by the even-odd rule; a list of polygons is their union (as pycocotools
 * merges them).
 */
final class PolygonRaster {
    private PolygonRaster() {
    }

    /** Row-major {@code [height * width]} mask of the union of the polygons. */
    static boolean[] rasterise(List<double[]> polygons, int width, int height) {
        boolean[] mask = new boolean[width * height];
        for (double[] poly : polygons) {
            int n = poly.length / 2;
            double[] crossings = new double[n];
            for (int y = 0; y < height; y++) {
                double yc = y + 0.5;
                int k = 0;
                for (int i = 0; i < n; i++) {
                    int j = (i + 1) % n;
                    double x0 = poly[2 * i];
                    double y0 = poly[2 * i + 1];
                    double x1 = poly[2 * j];
                    double y1 = poly[2 * j + 1];
                    // Half-open in y so a vertex on the scanline is counted once.
                    if ((y0 <= yc && yc < y1) || (y1 <= yc && yc < y0)) {
                        crossings[k++] = x0 + (yc - y0) * (x1 - x0) / (y1 - y0);
                    }
                }
                Arrays.sort(crossings, 0, k);
                for (int c = 0; c + 1 < k; c += 2) {
                    int from = (int) Math.max(0, Math.ceil(crossings[c] - 0.5));
                    int to = (int) Math.min(width - 1, Math.ceil(crossings[c + 1] - 0.5) - 1);
                    for (int x = from; x <= to; x++) {
                        mask[y * width + x] = true;
                    }
                }
            }
        }
        return mask;
    }

    /** Converts integer polygons to the double form COCO files are read as. */
    static List<double[]> toDouble(List<int[]> polygons) {
        return polygons.stream().map(p -> Arrays.stream(p).asDoubleStream().toArray()).toList();
    }

    /** Intersection over union of two equally sized masks; 1 when both are empty. */
    static double iou(boolean[] a, boolean[] b) {
        int inter = 0;
        int union = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] && b[i]) {
                inter++;
            }
            if (a[i] || b[i]) {
                union++;
            }
        }
        return union == 0 ? 1 : inter / (double) union;
    }
}
