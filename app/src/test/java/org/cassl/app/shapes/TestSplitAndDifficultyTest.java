package org.cassl.app.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test split (its own seed id, other splits unchanged) and the difficulty knobs. */
class TestSplitAndDifficultyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void testSplitIsNewImagesAndLeavesTheOtherSplitsAlone(@TempDir Path tmp) throws Exception {
        ShapesConfig c = ShapesConfig.defaults().withSize(64).withSeed(5);
        new ShapesGenerator(c).write(tmp.resolve("a"), 3, 2, 3, false, 1);
        DatasetSummary s = new ShapesGenerator(c).write(tmp.resolve("b"), 3, 2, 3, 4, false, 1);
        assertEquals(Split.TEST, s.splits().get(s.splits().size() - 1).split());
        assertEquals(4, s.split(Split.TEST).images());
        for (String f : new String[] {"labeled.json", "val.json", "unlabeled_gt.json", "val/000001.png", "labeled/000003.png"}) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(f)), Files.readAllBytes(tmp.resolve("b").resolve(f)), f);
        }
        assertFalse(Files.exists(tmp.resolve("a/test.json")));
        JsonNode test = JSON.readTree(tmp.resolve("b/test.json").toFile());
        assertEquals(4, test.get("images").size());
        assertEquals("test", test.get("info").get("split").asText());
        assertEquals(c.classes().size(), test.get("categories").size(), "labeled classes only");
        for (int i = 1; i <= 3; i++) {
            String name = ShapesGenerator.fileName(i);
            assertFalse(java.util.Arrays.equals(Files.readAllBytes(tmp.resolve("b/val").resolve(name)),
                    Files.readAllBytes(tmp.resolve("b/test").resolve(name))), "test images are not validation images");
        }
        assertEquals(4, JSON.readTree(tmp.resolve("b/shapes_config.json").toFile()).get("images").get("test").asInt());
        for (int i = 0; i < 10; i++) {
            assertTrue(new ShapesGenerator(c).render(Split.TEST, i).instances().stream()
                    .allMatch(o -> o.categoryId() <= c.classes().size()), "no novel kinds in test");
        }
    }

    @Test
    void difficultyKnobsReachTheConfig(@TempDir Path tmp) {
        Difficulty d = new Difficulty(1, 2, 20.0, 40.0, 0.0, 0.9, 0.0, false, false, 0.5);
        ShapesConfig c = GenerateShapes.config(new GenerateShapes.Options(tmp.resolve("x"), 1, 1, 1, 3, 128, false, 1, 0, d));
        assertEquals(1, c.minObjects());
        assertEquals(2, c.maxObjects());
        assertEquals(20.0, c.minSize());
        assertEquals(40.0, c.maxSize());
        assertEquals(0.0, c.distractorDensity());
        assertEquals(0.9, c.minVisibleFraction());
        assertEquals(0.0, c.noiseSigma());
        assertFalse(c.clutteredBackgrounds());
        assertFalse(c.occlusion());
        assertEquals(0.5, c.novelFraction());
        assertEquals(3, c.seed());
        ShapesConfig defaults = GenerateShapes.config(GenerateShapes.Options.of(tmp.resolve("y"), 1, 1, 1, 3));
        assertEquals(ShapesConfig.defaults().withSeed(3), defaults);
        // objects stay within the asked size range
        ShapesGenerator g = new ShapesGenerator(c);
        for (int i = 0; i < 10; i++) {
            for (ShapeInstance o : g.render(Split.LABELED, i).instances()) {
                assertTrue(Math.max(o.width(), o.height()) <= 44, "extent " + o.width() + "x" + o.height());
            }
        }
        assertThrows(ShapesException.class, () -> GenerateShapes.config(new GenerateShapes.Options(tmp.resolve("z"), 1, 1,
                1, 3, 128, false, 1, 0, new Difficulty(5, 2, null, null, null, null, null, null, null, null))));
        assertThrows(ShapesException.class, () -> new GenerateShapes.Options(tmp.resolve("z"), 1, 1, 1, 3, 128, false, 1, -1,
                null));
    }

    @Test
    void texturesAndOutlinesAreKnobs(@TempDir Path tmp) {
        Difficulty d = new Difficulty(null, null, null, null, null, null, null, null, null, null,
                java.util.List.of(FillTexture.SOLID), 0.0);
        ShapesConfig c = GenerateShapes.config(new GenerateShapes.Options(tmp.resolve("x"), 1, 1, 1, 3, 128, false, 1, 0, d));
        assertEquals(java.util.List.of(FillTexture.SOLID), c.textures());
        assertEquals(0.0, c.outlineProbability());
        ShapesConfig all = GenerateShapes.config(GenerateShapes.Options.of(tmp.resolve("y"), 1, 1, 1, 3));
        assertEquals(java.util.List.of(FillTexture.values()), all.textures());
        // solid fills with no outline and no noise: a flat-coloured object has few distinct colours inside
        ShapesConfig flat = new Difficulty(1, 1, 40.0, 40.0, 0.0, 1.0, 0.0, false, false, 0.0,
                java.util.List.of(FillTexture.SOLID), 0.0).applyTo(ShapesConfig.defaults().withSeed(1));
        ShapesConfig busy = new Difficulty(1, 1, 40.0, 40.0, 0.0, 1.0, 0.0, false, false, 0.0,
                java.util.List.of(FillTexture.CHECKER), 0.0).applyTo(ShapesConfig.defaults().withSeed(1));
        assertTrue(coloursInsideFirstObject(flat) < coloursInsideFirstObject(busy));
        assertEquals(java.util.List.of(FillTexture.SOLID, FillTexture.NOISE),
                FillTexture.parseList(java.util.List.of("solid", " Noise", "SOLID")));
        assertThrows(ShapesException.class, () -> FillTexture.parseList(java.util.List.of("plaid")));
        assertThrows(ShapesException.class, () -> FillTexture.parseList(java.util.List.of()));
        assertThrows(ShapesException.class, () -> new Difficulty(null, null, null, null, null, null, null, null, null, null,
                null, 1.5).applyTo(ShapesConfig.defaults()));
    }

    /** Distinct colours of the first labeled image's first object, over pixels whose 4 neighbours are visible too. */
    private static long coloursInsideFirstObject(ShapesConfig c) {
        ShapesImage im = new ShapesGenerator(c).render(Split.LABELED, 0);
        ShapeInstance o = im.instances().get(0);
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = o.y(); y < o.y() + o.height(); y++) {
            for (int x = o.x(); x < o.x() + o.width(); x++) {
                if (o.visibleAt(x, y) && o.visibleAt(x - 1, y) && o.visibleAt(x + 1, y) && o.visibleAt(x, y - 1)
                        && o.visibleAt(x, y + 1)) {
                    colours.add(im.image().getRGB(x, y));
                }
            }
        }
        assertFalse(colours.isEmpty(), "the object has an interior");
        return colours.size();
    }
}
