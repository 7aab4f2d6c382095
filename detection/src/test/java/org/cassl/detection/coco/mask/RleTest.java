package org.cassl.detection.coco.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.cassl.detection.coco.Bbox;
import org.cassl.detection.coco.CocoFormatException;
import org.junit.jupiter.api.Test;

class RleTest {

    /** A random mask made of a few blobs, so runs have varied lengths (also empty and full masks). */
    static byte[] randomMask(Random rnd, int h, int w) {
        byte[] m = new byte[h * w];
        int kind = rnd.nextInt(6);
        if (kind == 0) {
            return m;
        }
        if (kind == 1) {
            java.util.Arrays.fill(m, (byte) 1);
            return m;
        }
        if (kind == 2) {
            for (int i = 0; i < m.length; i++) {
                m[i] = (byte) (rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(200) : 0);
            }
            return m;
        }
        int blobs = 1 + rnd.nextInt(4);
        for (int b = 0; b < blobs; b++) {
            int x0 = rnd.nextInt(w);
            int y0 = rnd.nextInt(h);
            int x1 = Math.min(w, x0 + 1 + rnd.nextInt(w));
            int y1 = Math.min(h, y0 + 1 + rnd.nextInt(h));
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    m[y * w + x] = 1;
                }
            }
        }
        return m;
    }

    static byte[] binarize(byte[] m) {
        byte[] out = new byte[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = (byte) (m[i] != 0 ? 1 : 0);
        }
        return out;
    }

    @Test
    void rowMajorRoundTripOnRandomMasks() {
        Random rnd = new Random(1);
        for (int trial = 0; trial < 300; trial++) {
            int h = 1 + rnd.nextInt(23);
            int w = 1 + rnd.nextInt(31);
            byte[] m = randomMask(rnd, h, w);
            Rle r = Rle.encode(m, h, w);
            assertArrayEquals(binarize(m), r.decode());
            long ones = 0;
            for (byte b : m) {
                ones += b != 0 ? 1 : 0;
            }
            assertEquals(ones, r.area());
            assertEquals(r, Rle.of(h, w, r.counts()));
        }
    }

    @Test
    void columnMajorLayoutIsPycocotoolsOrder() {
        // 2x3 mask, row-major: row0 = 1 0 0, row1 = 1 1 0 -> column-major walk: 1,1 | 0,1 | 0,0
        byte[] rowMajor = {1, 0, 0, 1, 1, 0};
        Rle r = Rle.encode(rowMajor, 2, 3);
        assertArrayEquals(new int[] {0, 2, 1, 1, 2}, r.counts());
        assertArrayEquals(new byte[] {1, 1, 0, 1, 0, 0}, r.decodeColumnMajor());
        assertEquals(r, Rle.encodeColumnMajor(new byte[] {1, 1, 0, 1, 0, 0}, 2, 3));
        assertEquals(new Bbox(0, 0, 2, 2), r.toBbox());
    }

    @Test
    void bboxIsTheTightBoxOfRandomMasks() {
        Random rnd = new Random(2);
        for (int trial = 0; trial < 300; trial++) {
            int h = 1 + rnd.nextInt(17);
            int w = 1 + rnd.nextInt(17);
            byte[] m = randomMask(rnd, h, w);
            int x0 = w;
            int y0 = h;
            int x1 = -1;
            int y1 = -1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (m[y * w + x] != 0) {
                        x0 = Math.min(x0, x);
                        y0 = Math.min(y0, y);
                        x1 = Math.max(x1, x);
                        y1 = Math.max(y1, y);
                    }
                }
            }
            Bbox want = x1 < 0 ? new Bbox(0, 0, 0, 0) : new Bbox(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
            assertEquals(want, Rle.encode(m, h, w).toBbox());
        }
    }

    @Test
    void compressedStringHandComputed() {
        assertEquals("01", Rle.of(1, 1, new int[] {0, 1}).toCompressedString());
        // 3rd+ counts are deltas against two back: 7 - 5 = 2; 100 needs two groups: 'T' (4|0x20) then '3'.
        assertEquals("T3522", RleStrings.encode(new int[] {100, 5, 2, 7}));
        // negative delta 3 - 10 = -7 is the single group 25 (sign bit set): 'I'.
        assertEquals("5:2I", RleStrings.encode(new int[] {5, 10, 2, 3}));
        assertArrayEquals(new int[] {5, 10, 2, 3}, RleStrings.decode("5:2I"));
        assertArrayEquals(new int[] {100, 5, 2, 7}, RleStrings.decode("T3522"));
    }

    @Test
    void compressedStringRoundTripsRandomCounts() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 500; trial++) {
            int n = rnd.nextInt(40);
            int[] c = new int[n];
            for (int i = 0; i < n; i++) {
                int scale = 1 << rnd.nextInt(29);
                c[i] = rnd.nextInt(scale) + (i == 0 ? 0 : rnd.nextInt(2));
            }
            String s = RleStrings.encode(c);
            for (char ch : s.toCharArray()) {
                assertTrue(ch >= 48 && ch < 48 + 64, "character out of alphabet: " + (int) ch);
            }
            assertArrayEquals(c, RleStrings.decode(s));
        }
    }

    @Test
    void compressedStringOfMaskRoundTrips() {
        Random rnd = new Random(4);
        for (int trial = 0; trial < 200; trial++) {
            int h = 1 + rnd.nextInt(40);
            int w = 1 + rnd.nextInt(40);
            Rle r = Rle.encode(randomMask(rnd, h, w), h, w);
            assertEquals(r, Rle.fromCompressedString(h, w, r.toCompressedString()));
        }
    }

    @Test
    void malformedCompressedStringsAreRejected() {
        var bad = assertThrows(CocoFormatException.class, () -> Rle.fromCompressedString(2, 2, "0 4"));
        assertTrue(bad.getMessage().contains("invalid character"), bad.getMessage());
        var truncated = assertThrows(CocoFormatException.class, () -> Rle.fromCompressedString(2, 2, "0T"));
        assertTrue(truncated.getMessage().contains("ends inside a value"), truncated.getMessage());
        var sum = assertThrows(CocoFormatException.class, () -> Rle.fromCompressedString(2, 2, "05"));
        assertTrue(sum.getMessage().contains("add up to 5 pixels but size 2x2 has 4"), sum.getMessage());
        var negative = assertThrows(CocoFormatException.class, () -> Rle.fromCompressedString(4, 4, "12IO"));
        assertTrue(negative.getMessage().contains("decodes to count"), negative.getMessage());
    }

    @Test
    void mergeMatchesBitmapUnionAndIntersection() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int h = 1 + rnd.nextInt(20);
            int w = 1 + rnd.nextInt(20);
            int n = 1 + rnd.nextInt(3);
            byte[][] ms = new byte[n][];
            Rle[] rs = new Rle[n];
            for (int i = 0; i < n; i++) {
                ms[i] = binarize(randomMask(rnd, h, w));
                rs[i] = Rle.encode(ms[i], h, w);
            }
            byte[] or = new byte[h * w];
            byte[] and = new byte[h * w];
            java.util.Arrays.fill(and, (byte) 1);
            for (byte[] m : ms) {
                for (int i = 0; i < or.length; i++) {
                    or[i] |= m[i];
                    and[i] &= m[i];
                }
            }
            Rle union = MaskOps.merge(List.of(rs), false);
            Rle inter = MaskOps.merge(List.of(rs), true);
            assertArrayEquals(or, union.decode());
            assertArrayEquals(and, inter.decode());
            // Canonical runs: the merge equals a fresh encoding (no zero-length runs inside).
            assertEquals(Rle.encode(or, h, w), union);
        }
        assertThrows(IllegalArgumentException.class, () -> MaskOps.merge(List.of(Rle.empty(2, 2), Rle.empty(2, 3)), false));
    }

    @Test
    void maskIouMatchesBitmapsAndTheCrowdRule() {
        Random rnd = new Random(6);
        for (int trial = 0; trial < 200; trial++) {
            int h = 1 + rnd.nextInt(20);
            int w = 1 + rnd.nextInt(20);
            byte[] d = binarize(randomMask(rnd, h, w));
            byte[] g = binarize(randomMask(rnd, h, w));
            long inter = 0;
            long union = 0;
            long dArea = 0;
            for (int i = 0; i < d.length; i++) {
                inter += d[i] & g[i];
                union += d[i] | g[i];
                dArea += d[i];
            }
            double plain = inter == 0 ? 0 : (double) inter / union;
            double crowd = inter == 0 ? 0 : (double) inter / dArea;
            double[][] o = MaskOps.iou(List.of(Rle.encode(d, h, w)), List.of(Rle.encode(g, h, w), Rle.encode(g, h, w)),
                    new boolean[] {false, true});
            assertEquals(plain, o[0][0], 0.0);
            assertEquals(crowd, o[0][1], 0.0);
        }
    }

    @Test
    void crowdRegionHandExample() {
        // Ground truth: 10x10 square at (0,0) in a 20x20 image; detections: its left half, and a square shifted by 5.
        Rle gt = PolygonRasterizer.rasterizeBox(0, 0, 10, 10, 20, 20);
        Rle half = PolygonRasterizer.rasterizeBox(0, 0, 5, 10, 20, 20);
        Rle shifted = PolygonRasterizer.rasterizeBox(5, 0, 10, 10, 20, 20);
        double[][] o = MaskOps.iou(List.of(half, shifted), List.of(gt, gt), new boolean[] {false, true});
        assertEquals(0.5, o[0][0], 0.0); // 50 / 100
        assertEquals(1.0, o[0][1], 0.0); // crowd: 50 / dt area 50
        assertEquals(1.0 / 3, o[1][0], 1e-15); // 50 / 150
        assertEquals(0.5, o[1][1], 0.0); // crowd: 50 / 100
        double[][] b = MaskOps.boxIou(new double[][] {{0, 0, 5, 10}, {5, 0, 10, 10}},
                new double[][] {{0, 0, 10, 10}, {0, 0, 10, 10}}, new boolean[] {false, true});
        assertEquals(0.5, b[0][0], 0.0);
        assertEquals(1.0, b[0][1], 0.0);
        assertEquals(1.0 / 3, b[1][0], 1e-15);
        assertEquals(0.5, b[1][1], 0.0);
        assertEquals(0.0, MaskOps.boxIou(new double[][] {{20, 20, 1, 1}}, new double[][] {{0, 0, 10, 10}}, null)[0][0]);
    }

    @Test
    void inconsistentCountsAreRejected() {
        assertThrows(CocoFormatException.class, () -> Rle.of(2, 2, new int[] {1, 2}));
        assertThrows(CocoFormatException.class, () -> Rle.of(2, 2, new int[] {5, -1}));
        assertThrows(IllegalArgumentException.class, () -> Rle.encode(new byte[5], 2, 2));
    }
}
