package org.cassl.detection.coco.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.cassl.detection.coco.Bbox;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoFormatException;
import org.cassl.detection.coco.Polygon;
import org.cassl.detection.coco.Segmentation;
import org.junit.jupiter.api.Test;

class PolygonRasterizerTest {

    private static byte[] rectangle(int h, int w, int x0, int y0, int x1, int y1) {
        byte[] m = new byte[h * w];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                m[y * w + x] = 1;
            }
        }
        return m;
    }

    @Test
    void integerRectangleCoversExactlyItsPixels() {
        // pycocotools: columns whose centre x + .5 lies in [x0, x1], rows y0 .. y1 - 1 -> w * h pixels.
        Rle r = PolygonRasterizer.rasterize(new double[] {2, 3, 7, 3, 7, 9, 2, 9}, 4, 12, 10);
        assertEquals(30, r.area());
        assertEquals(new Bbox(2, 3, 5, 6), r.toBbox());
        assertArrayEquals(rectangle(12, 10, 2, 3, 7, 9), r.decode());
        // The same box through rleFrBbox, and with the vertices in the other winding order.
        assertEquals(r, PolygonRasterizer.rasterizeBox(2, 3, 5, 6, 12, 10));
        assertEquals(r, PolygonRasterizer.rasterize(new double[] {2, 3, 2, 9, 7, 9, 7, 3}, 4, 12, 10));
    }

    @Test
    void fractionalRectangleTakesPixelsWhoseCentreIsInside() {
        // x in [0.4, 2.6] holds centres 0.5, 1.5, 2.5; y in [1.2, 3.4] holds centres 1.5, 2.5.
        Rle r = PolygonRasterizer.rasterize(new double[] {0.4, 1.2, 2.6, 1.2, 2.6, 3.4, 0.4, 3.4}, 4, 6, 6);
        assertArrayEquals(rectangle(6, 6, 0, 1, 3, 3), r.decode());
    }

    @Test
    void boxClippedByTheImage() {
        Rle r = PolygonRasterizer.rasterizeBox(-3, -2, 8, 6, 5, 4);
        assertArrayEquals(rectangle(5, 4, 0, 0, 4, 4), r.decode());
        assertEquals(0, PolygonRasterizer.rasterizeBox(10, 10, 3, 3, 5, 4).area());
    }

    @Test
    void rightTriangleHasTheStaircaseOfPixelCentresInside() {
        // Vertices (0.2,0.2), (10.2,0.2), (0.2,10.2): centre (x+.5, y+.5) inside iff x + y <= 9 (margin 0.2).
        Rle r = PolygonRasterizer.rasterize(new double[] {0.2, 0.2, 10.2, 0.2, 0.2, 10.2}, 3, 12, 12);
        assertEquals(55, r.area());
        byte[] m = r.decode();
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 12; x++) {
                assertEquals(x + y <= 9 ? 1 : 0, m[y * 12 + x], "pixel " + x + "," + y);
            }
        }
    }

    /** Random convex polygons: pixels whose centre is clearly inside (or outside) must be set (or not). */
    @Test
    void randomConvexPolygonsAgreeWithPointInPolygonAwayFromTheBoundary() {
        Random rnd = new Random(7);
        int h = 30;
        int w = 40;
        int checked = 0;
        for (int trial = 0; trial < 100; trial++) {
            int k = 3 + rnd.nextInt(6);
            double cx = 5 + rnd.nextDouble() * 30;
            double cy = 5 + rnd.nextDouble() * 20;
            double rad = 2 + rnd.nextDouble() * 12;
            double[] ang = new double[k];
            for (int i = 0; i < k; i++) {
                ang[i] = rnd.nextDouble() * 2 * Math.PI;
            }
            java.util.Arrays.sort(ang);
            double[] xy = new double[2 * k];
            for (int i = 0; i < k; i++) {
                xy[2 * i] = Math.round((cx + rad * Math.cos(ang[i])) * 100) / 100.0;
                xy[2 * i + 1] = Math.round((cy + rad * Math.sin(ang[i])) * 100) / 100.0;
            }
            byte[] m = PolygonRasterizer.rasterize(xy, k, h, w).decode();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double px = x + 0.5;
                    double py = y + 0.5;
                    double dist = boundaryDistance(xy, px, py);
                    if (dist < 0.5) {
                        continue; // rounding to the 1/5 grid may go either way here
                    }
                    boolean inside = contains(xy, px, py);
                    assertEquals(inside ? 1 : 0, m[y * w + x], "trial " + trial + " pixel " + x + "," + y);
                    checked++;
                }
            }
        }
        assertTrue(checked > 50_000, "checked " + checked);
    }

    private static boolean contains(double[] xy, double px, double py) {
        int k = xy.length / 2;
        boolean in = false;
        for (int i = 0, j = k - 1; i < k; j = i++) {
            double xi = xy[2 * i];
            double yi = xy[2 * i + 1];
            double xj = xy[2 * j];
            double yj = xy[2 * j + 1];
            if ((yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi) {
                in = !in;
            }
        }
        return in;
    }

    private static double boundaryDistance(double[] xy, double px, double py) {
        int k = xy.length / 2;
        double best = Double.MAX_VALUE;
        for (int i = 0; i < k; i++) {
            int j = (i + 1) % k;
            double ax = xy[2 * i];
            double ay = xy[2 * i + 1];
            double bx = xy[2 * j];
            double by = xy[2 * j + 1];
            double dx = bx - ax;
            double dy = by - ay;
            double len2 = dx * dx + dy * dy;
            double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
            best = Math.min(best, Math.hypot(px - ax - t * dx, py - ay - t * dy));
        }
        return best;
    }

    @Test
    void degeneratePolygonsAreEmptyAsInPycocotools() {
        assertEquals(0, PolygonRasterizer.rasterize(new double[] {}, 0, 5, 5).area());
        assertEquals(0, PolygonRasterizer.rasterize(new double[] {2, 2}, 1, 5, 5).area());
        assertEquals(0, PolygonRasterizer.rasterize(new double[] {0.5, 0.5, 4.5, 3.5}, 2, 5, 5).area());
        // Coordinates absurdly far away are refused instead of allocating gigabytes.
        assertThrows(IllegalArgumentException.class,
                () -> PolygonRasterizer.rasterize(new double[] {0, 0, 1e9, 0, 0, 1e9}, 3, 5, 5));
    }

    private static CocoAnnotation ann(long id, Segmentation s) {
        return CocoAnnotation.groundTruth(id, 1, 1, new Bbox(0, 0, 1, 1), 1, 0, s);
    }

    @Test
    void multiPartPolygonsAreMergedAndShortLaterPartsContributeNothing() {
        Segmentation two = new Segmentation.Polygons(List.of(
                Polygon.of(0, 0, 2, 0, 2, 2, 0, 2), Polygon.of(4, 4, 6, 4, 6, 6, 4, 6), Polygon.of(1, 1, 5, 5)));
        Rle r = Masks.toRle(ann(3, two), 8, 8);
        byte[] want = rectangle(8, 8, 0, 0, 2, 2);
        byte[] b = rectangle(8, 8, 4, 4, 6, 6);
        for (int i = 0; i < want.length; i++) {
            want[i] |= b[i];
        }
        assertArrayEquals(want, r.decode());
        // Odd length: the trailing number is ignored (k = length / 2).
        Rle odd = Masks.toRle(ann(4, new Segmentation.Polygons(List.of(Polygon.of(0, 0, 2, 0, 2, 2, 0, 2, 7)))), 8, 8);
        assertArrayEquals(rectangle(8, 8, 0, 0, 2, 2), odd.decode());
    }

    @Test
    void polygonListsPycocotoolsRejectsAreRejectedNamingTheAnnotation() {
        for (Polygon first : List.of(Polygon.of(1, 1, 3, 3), Polygon.of(1, 1), Polygon.of())) {
            var e = assertThrows(CocoFormatException.class,
                    () -> Masks.toRle(ann(17, new Segmentation.Polygons(List.of(first, Polygon.of(0, 0, 2, 0, 2, 2)))), 8, 8));
            assertTrue(e.getMessage().contains("annotation id 17") && e.getMessage().contains("first polygon has"),
                    e.getMessage());
        }
        var empty = assertThrows(CocoFormatException.class, () -> Masks.toRle(ann(18, new Segmentation.Polygons(List.of())), 8, 8));
        assertTrue(empty.getMessage().contains("annotation id 18"), empty.getMessage());
    }

    @Test
    void rleOfTheWrongSizeIsRejectedNamingTheAnnotation() {
        var e = assertThrows(CocoFormatException.class,
                () -> Masks.toRle(ann(21, new Segmentation.UncompressedRle(4, 5, new int[] {20})), 5, 4));
        assertTrue(e.getMessage().contains("annotation id 21") && e.getMessage().contains("does not match the image"),
                e.getMessage());
        var c = assertThrows(CocoFormatException.class,
                () -> Masks.toRle(ann(22, new Segmentation.CompressedRle(5, 4, "0:")), 5, 4));
        assertTrue(c.getMessage().contains("annotation id 22") && c.getMessage().contains("add up to"), c.getMessage());
        Rle ok = Masks.toRle(ann(23, new Segmentation.UncompressedRle(5, 4, new int[] {3, 2, 15})), 5, 4);
        assertEquals(2, ok.area());
        assertEquals(ok, Masks.toRle(ann(24, new Segmentation.CompressedRle(5, 4, ok.toCompressedString())), 5, 4));
    }
}
