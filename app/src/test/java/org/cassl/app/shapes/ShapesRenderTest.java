package org.cassl.app.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** In-memory properties of rendered images: annotations, balance, sizes, occlusion. */
class ShapesRenderTest {

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    @Test
    void sameImageTwiceIsIdenticalAndNeighboursDiffer() {
        ShapesGenerator g = new ShapesGenerator(ShapesConfig.defaults().withSeed(5));
        ShapesImage a = g.render(Split.UNLABELED, 17);
        ShapesImage b = g.render(Split.UNLABELED, 17);
        assertArrayEquals(pixels(a.image()), pixels(b.image()));
        assertEquals(a.instances().size(), b.instances().size());
        for (int i = 0; i < a.instances().size(); i++) {
            assertArrayEquals(a.instances().get(i).mask(), b.instances().get(i).mask());
        }
        assertFalse(java.util.Arrays.equals(pixels(a.image()), pixels(g.render(Split.UNLABELED, 18).image())));
        assertFalse(java.util.Arrays.equals(pixels(a.image()), pixels(g.render(Split.LABELED, 17).image())));
    }

    @Test
    void visibleMasksAreConsistentWithBoxesAreasAndPolygons() {
        ShapesConfig config = ShapesConfig.defaults().withSeed(11);
        ShapesGenerator g = new ShapesGenerator(config);
        int checked = 0;
        double iouSum = 0;
        for (Split split : Split.values()) {
            for (int index = 0; index < 15; index++) {
                ShapesImage image = g.render(split, index);
                int[] owners = new int[config.width() * config.height()];
                for (int k = 0; k < image.instances().size(); k++) {
                    ShapeInstance s = image.instances().get(k);
                    assertTrue(s.x() >= 0 && s.y() >= 0 && s.width() > 0 && s.height() > 0);
                    assertTrue(s.x() + s.width() <= config.width() && s.y() + s.height() <= config.height());
                    int count = 0;
                    boolean[] rows = new boolean[s.height()];
                    boolean[] cols = new boolean[s.width()];
                    for (int y = 0; y < s.height(); y++) {
                        for (int x = 0; x < s.width(); x++) {
                            if (s.mask()[y * s.width() + x]) {
                                count++;
                                rows[y] = true;
                                cols[x] = true;
                                int at = (s.y() + y) * config.width() + s.x() + x;
                                assertEquals(0, owners[at], "visible masks of two objects overlap");
                                owners[at] = k + 1;
                            }
                        }
                    }
                    assertEquals(s.area(), count, "area is the visible pixel count");
                    assertTrue(rows[0] && rows[s.height() - 1] && cols[0] && cols[s.width() - 1], "bbox is tight");
                    assertTrue(s.area() >= config.minVisiblePixels());
                    assertTrue(s.area() >= config.minVisibleFraction() * s.fullArea(),
                            "visible " + s.area() + " of " + s.fullArea());
                    // The polygons, rasterised independently, give back the visible mask.
                    boolean[] truth = new boolean[config.width() * config.height()];
                    for (int y = 0; y < config.height(); y++) {
                        for (int x = 0; x < config.width(); x++) {
                            truth[y * config.width() + x] = s.visibleAt(x, y);
                        }
                    }
                    boolean[] drawn = PolygonRaster.rasterise(PolygonRaster.toDouble(s.polygons()),
                            config.width(), config.height());
                    iouSum += PolygonRaster.iou(truth, drawn);
                    assertArrayEquals(truth, drawn, "polygons rasterise to exactly the visible mask");
                    checked++;
                }
            }
        }
        assertTrue(checked > 120, "checked " + checked + " objects");
        assertTrue(iouSum / checked > 0.85);
    }

    @Test
    void classesAreBalancedAndNovelKindsStayInTheUnlabeledPool() {
        ShapesConfig config = ShapesConfig.defaults().withSeed(2);
        ShapesGenerator g = new ShapesGenerator(config);
        Map<ShapeKind, Integer> labeled = new EnumMap<>(ShapeKind.class);
        for (Split split : List.of(Split.LABELED, Split.VAL)) {
            for (int i = 0; i < 80; i++) {
                for (ShapeInstance s : g.render(split, i).instances()) {
                    assertTrue(config.classes().contains(s.kind()), s.kind() + " in " + split);
                    assertFalse(s.novel());
                    assertEquals(config.classes().indexOf(s.kind()) + 1, s.categoryId());
                    labeled.merge(s.kind(), 1, Integer::sum);
                }
            }
        }
        double mean = labeled.values().stream().mapToInt(Integer::intValue).sum() / (double) config.classes().size();
        assertTrue(mean > 100, "mean per class " + mean);
        for (ShapeKind kind : config.classes()) {
            int n = labeled.getOrDefault(kind, 0);
            assertTrue(n > 0.75 * mean && n < 1.25 * mean, kind + ": " + n + " vs mean " + mean);
        }
        int novel = 0;
        int total = 0;
        Map<ShapeKind, Integer> novelKinds = new EnumMap<>(ShapeKind.class);
        for (int i = 0; i < 80; i++) {
            for (ShapeInstance s : g.render(Split.UNLABELED, i).instances()) {
                total++;
                if (s.novel()) {
                    novel++;
                    novelKinds.merge(s.kind(), 1, Integer::sum);
                    assertTrue(config.novelKinds().contains(s.kind()));
                    assertTrue(s.categoryId() > config.classes().size());
                }
            }
        }
        double fraction = novel / (double) total;
        assertTrue(fraction > 0.2 && fraction < 0.45, "novel fraction " + fraction);
        assertEquals(config.novelKinds().size(), novelKinds.size(), "every novel kind occurs");
    }

    @Test
    void objectSizesSpanCocoSmallMediumAndLarge() {
        ShapesGenerator g = new ShapesGenerator(ShapesConfig.defaults().withSize(256).withSeed(4));
        Map<String, Integer> bins = new HashMap<>();
        for (int i = 0; i < 25; i++) {
            for (ShapeInstance s : g.render(Split.LABELED, i).instances()) {
                String bin = s.area() < 32 * 32 ? "small" : s.area() > 96 * 96 ? "large" : "medium";
                bins.merge(bin, 1, Integer::sum);
            }
        }
        assertTrue(bins.getOrDefault("small", 0) >= 15, bins.toString());
        assertTrue(bins.getOrDefault("medium", 0) >= 15, bins.toString());
        assertTrue(bins.getOrDefault("large", 0) >= 3, bins.toString());
        // At the default 128 px, objects still range from tiny to a quarter of the image.
        ShapesGenerator small = new ShapesGenerator(ShapesConfig.defaults().withSeed(4));
        int minArea = Integer.MAX_VALUE;
        int maxArea = 0;
        for (int i = 0; i < 40; i++) {
            for (ShapeInstance s : small.render(Split.LABELED, i).instances()) {
                minArea = Math.min(minArea, s.area());
                maxArea = Math.max(maxArea, s.area());
            }
        }
        assertTrue(minArea < 64, "smallest " + minArea);
        assertTrue(maxArea > 32 * 32, "largest " + maxArea);
    }

    @Test
    void withoutOcclusionOnlyTheImageBorderHidesAnything() {
        ShapesConfig config = ShapesConfig.defaults().withOcclusion(false).withSeed(9);
        ShapesGenerator g = new ShapesGenerator(config);
        int inside = 0;
        for (int i = 0; i < 30; i++) {
            for (ShapeInstance s : g.render(Split.LABELED, i).instances()) {
                boolean touchesBorder = s.x() == 0 || s.y() == 0
                        || s.x() + s.width() == config.width() || s.y() + s.height() == config.height();
                if (!touchesBorder) {
                    assertEquals(s.fullArea(), s.area(), "unoccluded object fully visible");
                    inside++;
                }
            }
        }
        assertTrue(inside > 50);
    }

    @Test
    void annotatedPixelsShowTheObjectTheyBelongTo() {
        // Flat fills, no outline, no noise, no clutter: apart from anti-aliased edges, each
        // object's visible pixels are all its own single colour.
        ShapesConfig d = ShapesConfig.defaults().withClutter(false, 0, 0).withSeed(21);
        ShapesConfig config = new ShapesConfig(d.width(), d.height(), d.minObjects(), d.maxObjects(),
                12, d.maxSize(), d.classes(), d.novelKinds(), d.novelFraction(), d.seed(),
                false, 0, 0, true, d.minVisibleFraction(), d.minVisiblePixels(),
                List.of(FillTexture.SOLID), 0);
        ShapesGenerator g = new ShapesGenerator(config);
        int checked = 0;
        long modePixels = 0;
        long visiblePixels = 0;
        for (int i = 0; i < 20; i++) {
            ShapesImage image = g.render(Split.UNLABELED, i);
            int[] px = pixels(image.image());
            for (ShapeInstance s : image.instances()) {
                Map<Integer, Integer> colours = new HashMap<>();
                for (int y = s.y(); y < s.y() + s.height(); y++) {
                    for (int x = s.x(); x < s.x() + s.width(); x++) {
                        if (s.visibleAt(x, y)) {
                            colours.merge(px[y * config.width() + x], 1, Integer::sum);
                        }
                    }
                }
                Map.Entry<Integer, Integer> mode = colours.entrySet().stream()
                        .max(Map.Entry.comparingByValue()).orElseThrow();
                assertTrue(mode.getValue() >= 0.35 * s.area(), s.kind() + ": flat colour on "
                        + mode.getValue() + " of " + s.area() + " pixels");
                modePixels += mode.getValue();
                visiblePixels += s.area();
                checked++;
            }
        }
        assertTrue(checked > 50);
        assertTrue(modePixels > 0.8 * visiblePixels, modePixels + " of " + visiblePixels);
    }
}
