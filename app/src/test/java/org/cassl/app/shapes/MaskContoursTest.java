package org.cassl.app.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MaskContoursTest {

    private static boolean[] parse(String... rows) {
        int w = rows[0].length();
        boolean[] mask = new boolean[w * rows.length];
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < w; x++) {
                mask[y * w + x] = rows[y].charAt(x) == '#';
            }
        }
        return mask;
    }

    private static void assertRoundTrip(boolean[] mask, int w, int h) {
        List<int[]> polygons = MaskContours.polygons(mask, w, h, 0, 0);
        boolean[] back = PolygonRaster.rasterise(PolygonRaster.toDouble(polygons), w, h);
        assertArrayEquals(mask, back, "polygons must rasterise back to the mask");
        long pixels = 0;
        for (boolean b : mask) {
            pixels += b ? 1 : 0;
        }
        long area = 0;
        for (int[] p : polygons) {
            assertTrue(p.length >= 8, "a polygon has at least four corners");
            area += MaskContours.twiceSignedArea(p);
        }
        assertEquals(2 * pixels, area, "polygon area (holes subtracted) equals the pixel count");
    }

    @Test
    void singlePixelIsAUnitSquareAtPixelCorners() {
        List<int[]> polygons = MaskContours.polygons(parse("...", ".#.", "..."), 3, 3, 10, 20);
        assertEquals(1, polygons.size());
        assertArrayEquals(new int[] {11, 21, 12, 21, 12, 22, 11, 22}, polygons.get(0));
    }

    @Test
    void diagonalNeighboursAreSeparateParts() {
        boolean[] mask = parse("#.", ".#");
        assertEquals(2, MaskContours.polygons(mask, 2, 2, 0, 0).size());
        assertRoundTrip(mask, 2, 2);
    }

    @Test
    void ringKeepsItsHoleInOnePolygon() {
        boolean[] mask = parse(
                ".#####.",
                "##...##",
                "#.....#",
                "##...##",
                ".#####.");
        assertEquals(1, MaskContours.polygons(mask, 7, 5, 0, 0).size());
        assertRoundTrip(mask, 7, 5);
    }

    @Test
    void islandInsideAHoleAndSeveralHoles() {
        boolean[] mask = parse(
                "#########",
                "#.......#",
                "#..#..#.#",
                "#.......#",
                "####.####",
                "#..#.#..#",
                "#########");
        assertEquals(3, MaskContours.polygons(mask, 9, 7, 0, 0).size());
        assertRoundTrip(mask, 9, 7);
    }

    @Test
    void holeTouchingTheOutsideOnlyDiagonally() {
        boolean[] mask = parse(
                "###.",
                "#.#.",
                "##.#",
                "...#");
        assertRoundTrip(mask, 4, 4);
    }

    @Test
    void randomMasksRoundTripExactly() {
        SplittableRandom rng = new SplittableRandom(42);
        for (int trial = 0; trial < 300; trial++) {
            int w = 1 + rng.nextInt(14);
            int h = 1 + rng.nextInt(14);
            double density = 0.2 + 0.6 * rng.nextDouble();
            boolean[] mask = new boolean[w * h];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = rng.nextDouble() < density;
            }
            assertRoundTrip(mask, w, h);
        }
    }

    @Test
    void emptyMaskHasNoPolygons() {
        assertEquals(0, MaskContours.polygons(new boolean[12], 4, 3, 0, 0).size());
    }

    @Test
    void wrongMaskLengthIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskContours.polygons(new boolean[5], 2, 3, 0, 0));
        assertTrue(e.getMessage().contains("2 x height 3"), e.getMessage());
    }
}
