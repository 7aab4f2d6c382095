package org.cassl.detection.coco.mask;

import java.util.Arrays;

/**
 * Polygon to RLE exactly as pycocotools' {@code rleFrPoly}, so that polygon ground truth gives the
 * same pixels (and so the same mask IoUs) as pycocotools.
 *
 * <p>The algorithm: scale the vertices by 5 and round ({@code (int)(5v + 0.5)}), walk every edge
 * with one point per step along its major axis, keep the points where the walk crosses a pixel
 * centre column ({@code (u + 0.5) / 5 - 0.5} integral), take the ceiling of the crossing's y as
 * the place where the mask toggles in that column, and turn the sorted toggle positions into
 * runs. A pixel is set when its centre lies inside the polygon (with pycocotools' rounding).
 */
public final class PolygonRasterizer {
    private static final double SCALE = 5;
    /** Upper bound on upsampled boundary points, to refuse absurd coordinates before allocating. */
    private static final long MAX_BOUNDARY_POINTS = 1L << 24;

    private PolygonRasterizer() {}

    /**
     * Rasterises the polygon made of the first {@code k} points of {@code xy} ({@code [x0, y0, x1,
     * y1, ...]}); {@code k} is {@code xy.length / 2} for a well-formed polygon. Fewer than 3 points
     * give pycocotools' degenerate results (an empty mask for 0, 1 or 2 points).
     *
     * @throws IllegalArgumentException for a non-positive size or coordinates so far outside the
     *     image that the boundary walk would not fit in memory
     */
    public static Rle rasterize(double[] xy, int k, int height, int width) {
        if (height <= 0 || width <= 0 || (long) height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("polygon mask size must be positive and below 2^31 pixels, got "
                    + height + "x" + width);
        }
        if (k < 0 || 2L * k > xy.length) {
            throw new IllegalArgumentException("polygon with " + xy.length + " values has no " + k + " points");
        }
        int[] x = new int[k + 1];
        int[] y = new int[k + 1];
        for (int j = 0; j < k; j++) {
            x[j] = upsample(xy[2 * j]);
            y[j] = upsample(xy[2 * j + 1]);
        }
        x[k] = x[0];
        y[k] = y[0];
        long total = 0;
        for (int j = 0; j < k; j++) {
            total += Math.max(Math.abs((long) x[j] - x[j + 1]), Math.abs((long) y[j] - y[j + 1])) + 1;
        }
        if (total > MAX_BOUNDARY_POINTS) {
            throw new IllegalArgumentException("polygon coordinates are too far apart to rasterise (" + total
                    + " boundary points at 5x)");
        }
        int[] u = new int[(int) total];
        int[] v = new int[(int) total];
        int m = walkEdges(x, y, k, u, v);
        return toRuns(u, v, m, height, width);
    }

    /** Rasterises a box {@code [x, y, w, h]} as the polygon of its corners ({@code rleFrBbox}). */
    public static Rle rasterizeBox(double bx, double by, double bw, double bh, int height, int width) {
        double xe = bx + bw;
        double ye = by + bh;
        return rasterize(new double[] {bx, by, bx, ye, xe, ye, xe, by}, 4, height, width);
    }

    private static int upsample(double v) {
        double s = SCALE * v + .5;
        // Java saturates where C would be undefined; the boundary-size check then rejects it.
        return (int) s;
    }

    /** Dense boundary points: one per unit step along each edge's major axis. */
    private static int walkEdges(int[] x, int[] y, int k, int[] u, int[] v) {
        int m = 0;
        for (int j = 0; j < k; j++) {
            int xs = x[j];
            int xe = x[j + 1];
            int ys = y[j];
            int ye = y[j + 1];
            int dx = Math.abs(xe - xs);
            int dy = Math.abs(ys - ye);
            // Walk every edge from its low end so both directions round identically.
            boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) {
                int t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            double s = dx >= dy ? (double) (ye - ys) / dx : (double) (xe - xs) / dy;
            if (dx >= dy) {
                for (int d = 0; d <= dx; d++) {
                    int t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = (int) (ys + s * t + .5);
                    m++;
                }
            } else {
                for (int d = 0; d <= dy; d++) {
                    int t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = (int) (xs + s * t + .5);
                    m++;
                }
            }
        }
        return m;
    }

    /** Column crossings at pixel centres, downsampled, sorted and turned into run lengths. */
    private static Rle toRuns(int[] u, int[] v, int k, int height, int width) {
        long[] a = new long[k + 1];
        int m = 0;
        for (int j = 1; j < k; j++) {
            if (u[j] != u[j - 1]) {
                double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
                xd = (xd + .5) / SCALE - .5;
                if (Math.floor(xd) != xd || xd < 0 || xd > width - 1) {
                    continue;
                }
                double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
                yd = (yd + .5) / SCALE - .5;
                if (yd < 0) {
                    yd = 0;
                } else if (yd > height) {
                    yd = height;
                }
                yd = Math.ceil(yd);
                a[m++] = (long) ((int) xd * height + (int) yd);
            }
        }
        a[m++] = (long) height * width;
        Arrays.sort(a, 0, m);
        long prev = 0;
        for (int j = 0; j < m; j++) {
            long t = a[j];
            a[j] -= prev;
            prev = t;
        }
        // Two toggles at one position cancel: fold a zero-length run into its neighbour.
        int[] b = new int[m];
        int n = 0;
        int j = 0;
        b[n++] = (int) a[j++];
        while (j < m) {
            if (a[j] > 0) {
                b[n++] = (int) a[j++];
            } else {
                j++;
                if (j < m) {
                    b[n - 1] += (int) a[j++];
                }
            }
        }
        return Rle.trusted(height, width, Arrays.copyOf(b, n));
    }
}
