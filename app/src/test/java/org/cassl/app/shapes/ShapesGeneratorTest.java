package org.cassl.app.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset folder: determinism, COCO validity, agreement with the renderer, safe writing. */
class ShapesGeneratorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static ShapesConfig config(long seed) {
        return ShapesConfig.defaults().withSize(96).withSeed(seed);
    }

    private static Map<String, byte[]> readTree(Path root) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    @Test
    void sameSeedGivesIdenticalBytesWhateverTheThreadCount() throws IOException {
        new ShapesGenerator(config(7)).write(tmp.resolve("a"), 6, 10, 4, false, 1);
        new ShapesGenerator(config(7)).write(tmp.resolve("b"), 6, 10, 4, false, 2);
        new ShapesGenerator(config(8)).write(tmp.resolve("c"), 6, 10, 4, false, 2);
        Map<String, byte[]> a = readTree(tmp.resolve("a"));
        Map<String, byte[]> b = readTree(tmp.resolve("b"));
        Map<String, byte[]> c = readTree(tmp.resolve("c"));
        assertEquals(6 + 10 + 4 + 5, a.size(), a.keySet().toString());
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name), b.get(name), name + " differs between runs with one seed");
        }
        int differing = 0;
        for (String name : a.keySet()) {
            if (name.endsWith(".png") && !java.util.Arrays.equals(a.get(name), c.get(name))) {
                differing++;
            }
        }
        assertEquals(20, differing, "every image changes with the seed");
        assertFalse(java.util.Arrays.equals(a.get("labeled.json"), c.get("labeled.json")));
    }

    @Test
    void annotationFilesAreValidCocoAndMatchTheRenderer() throws IOException {
        ShapesConfig config = config(3);
        ShapesGenerator generator = new ShapesGenerator(config);
        Path root = tmp.resolve("ds");
        DatasetSummary summary = generator.write(root, 8, 12, 5, false, 2);
        int k = config.classes().size();

        JsonNode labeled = JSON.readTree(root.resolve(ShapesGenerator.LABELED_JSON).toFile());
        JsonNode val = JSON.readTree(root.resolve(ShapesGenerator.VAL_JSON).toFile());
        JsonNode unlabeledGt = JSON.readTree(root.resolve(ShapesGenerator.UNLABELED_GT_JSON).toFile());
        JsonNode unlabeled = JSON.readTree(root.resolve(ShapesGenerator.UNLABELED_JSON).toFile());

        for (JsonNode file : List.of(labeled, val, unlabeled)) {
            assertEquals(k, file.get("categories").size());
            for (int i = 0; i < k; i++) {
                JsonNode c = file.get("categories").get(i);
                assertEquals(i + 1, c.get("id").asInt());
                assertEquals(config.classes().get(i).label(), c.get("name").asText());
            }
        }
        assertEquals(k + config.novelKinds().size(), unlabeledGt.get("categories").size());
        assertEquals("novel", unlabeledGt.get("categories").get(k).get("supercategory").asText());
        assertEquals(0, unlabeled.get("annotations").size(), "the training view of the pool has no labels");
        assertEquals(unlabeledGt.get("images"), unlabeled.get("images"));

        double iouSum = 0;
        int objects = 0;
        Set<Integer> novelSeen = new HashSet<>();
        Map<Split, JsonNode> files = Map.of(Split.LABELED, labeled, Split.VAL, val, Split.UNLABELED, unlabeledGt);
        for (Map.Entry<Split, JsonNode> entry : files.entrySet()) {
            Split split = entry.getKey();
            JsonNode coco = entry.getValue();
            assertEquals(summary.split(split).images(), coco.get("images").size());
            assertEquals(summary.split(split).objects(), coco.get("annotations").size());
            Map<Integer, List<JsonNode>> byImage = new HashMap<>();
            Set<Integer> annotationIds = new HashSet<>();
            for (JsonNode a : coco.get("annotations")) {
                assertTrue(annotationIds.add(a.get("id").asInt()), "annotation ids are unique");
                byImage.computeIfAbsent(a.get("image_id").asInt(), x -> new ArrayList<>()).add(a);
            }
            for (int index = 0; index < coco.get("images").size(); index++) {
                JsonNode image = coco.get("images").get(index);
                int id = image.get("id").asInt();
                assertEquals(index + 1, id);
                assertEquals(config.width(), image.get("width").asInt());
                assertEquals(config.height(), image.get("height").asInt());
                Path png = root.resolve(split.folder()).resolve(image.get("file_name").asText());
                BufferedImage decoded = ImageIO.read(png.toFile());
                ShapesImage rendered = generator.render(split, index);
                assertArrayEquals(
                        rendered.image().getRGB(0, 0, config.width(), config.height(), null, 0, config.width()),
                        decoded.getRGB(0, 0, config.width(), config.height(), null, 0, config.width()),
                        png + " holds the rendered picture");
                List<JsonNode> annotations = byImage.getOrDefault(id, List.of());
                assertEquals(rendered.instances().size(), annotations.size());
                for (int j = 0; j < annotations.size(); j++) {
                    JsonNode a = annotations.get(j);
                    ShapeInstance truth = rendered.instances().get(j);
                    int category = a.get("category_id").asInt();
                    assertEquals(truth.categoryId(), category);
                    if (split == Split.UNLABELED) {
                        assertTrue(category >= 1 && category <= k + config.novelKinds().size());
                        if (category > k) {
                            novelSeen.add(category);
                        }
                    } else {
                        assertTrue(category >= 1 && category <= k, "only labeled classes in " + split);
                    }
                    JsonNode box = a.get("bbox");
                    double x = box.get(0).asDouble();
                    double y = box.get(1).asDouble();
                    double w = box.get(2).asDouble();
                    double h = box.get(3).asDouble();
                    assertTrue(x >= 0 && y >= 0 && w > 0 && h > 0, box.toString());
                    assertTrue(x + w <= config.width() && y + h <= config.height(), box.toString());
                    assertTrue(a.get("area").asDouble() > 0 && a.get("area").asDouble() <= w * h);
                    assertEquals(0, a.get("iscrowd").asInt());
                    List<double[]> polygons = new ArrayList<>();
                    for (JsonNode p : a.get("segmentation")) {
                        double[] xy = new double[p.size()];
                        for (int v = 0; v < xy.length; v++) {
                            xy[v] = p.get(v).asDouble();
                        }
                        assertTrue(xy.length >= 6 && xy.length % 2 == 0);
                        polygons.add(xy);
                    }
                    boolean[] fromJson = PolygonRaster.rasterise(polygons, config.width(), config.height());
                    boolean[] mask = new boolean[fromJson.length];
                    int count = 0;
                    for (int py = 0; py < config.height(); py++) {
                        for (int px = 0; px < config.width(); px++) {
                            mask[py * config.width() + px] = truth.visibleAt(px, py);
                            count += fromJson[py * config.width() + px] ? 1 : 0;
                        }
                    }
                    assertEquals(a.get("area").asInt(), count, "area equals the polygons' pixel count");
                    iouSum += PolygonRaster.iou(mask, fromJson);
                    objects++;
                }
            }
        }
        assertTrue(objects > 60, "objects " + objects);
        assertTrue(iouSum / objects > 0.85, "mean polygon IoU " + iouSum / objects);
        assertEquals(1.0, iouSum / objects, 1e-12, "polygons are exact");
        assertFalse(novelSeen.isEmpty(), "the unlabeled pool holds novel kinds");
    }

    @Test
    void refusesToOverwriteUnlessToldAndOnlyADataset() throws IOException {
        ShapesGenerator generator = new ShapesGenerator(config(1));
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "keep me");
        ShapesException e = assertThrows(ShapesException.class, () -> generator.write(other, 1, 1, 1, false, 1));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        e = assertThrows(ShapesException.class, () -> generator.write(other, 1, 1, 1, true, 1));
        assertTrue(e.getMessage().contains(ShapesGenerator.CONFIG_JSON), e.getMessage());
        assertEquals("keep me", Files.readString(other.resolve("notes.txt")));

        Path ds = tmp.resolve("ds");
        Files.createDirectories(ds);
        generator.write(ds, 2, 1, 1, false, 1);
        if (Files.getFileStore(ds).supportsFileAttributeView("posix")) {
            // Made and renamed into place, the dataset folder keeps the usual permissions.
            assertEquals(Files.getPosixFilePermissions(other), Files.getPosixFilePermissions(ds));
        }
        assertThrows(ShapesException.class, () -> generator.write(ds, 1, 1, 1, false, 1));
        DatasetSummary again = new ShapesGenerator(config(2)).write(ds, 3, 0, 0, true, 1);
        assertEquals(3, again.split(Split.LABELED).images());
        try (Stream<Path> files = Files.list(ds.resolve("labeled"))) {
            assertEquals(3, files.count());
        }
        try (Stream<Path> left = Files.list(tmp)) {
            List<String> names = left.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("ds", "other"), names, "no temporary folders are left behind");
        }
        assertThrows(ShapesException.class, () -> generator.write(tmp.resolve("x"), -1, 0, 0, false, 1));
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    @Test
    void generateShapesReportsCountsPerSplitAndClass() throws IOException {
        Path out = tmp.resolve("cli");
        DatasetSummary summary = GenerateShapes.run(new GenerateShapes.Options(out, 5, 7, 3, 11, 64, false, 2));
        assertEquals(64, summary.config().width());
        assertEquals(11, summary.config().seed());
        assertEquals(List.of(Split.LABELED, Split.UNLABELED, Split.VAL),
                summary.splits().stream().map(DatasetSummary.SplitSummary::split).toList());
        for (DatasetSummary.SplitSummary s : summary.splits()) {
            int perClass = s.objectsPerCategory().values().stream().mapToInt(Integer::intValue).sum();
            assertEquals(s.objects(), perClass);
        }
        assertEquals(6, summary.split(Split.LABELED).objectsPerCategory().size());
        assertEquals(9, summary.split(Split.UNLABELED).objectsPerCategory().size());
        String text = summary.toText();
        assertTrue(text.contains("unlabeled") && text.contains("crescent") && text.contains("circle"), text);
        ShapesException bad = assertThrows(ShapesException.class,
                () -> new GenerateShapes.Options(tmp.resolve("y"), 1, 1, 1, 0, 16, false, 0));
        assertTrue(bad.getMessage().contains("--size 16"), bad.getMessage());
        bad = assertThrows(ShapesException.class, () -> GenerateShapes.Options.of(tmp.resolve("y"), 1, -2, 1, 0));
        assertTrue(bad.getMessage().contains("--unlabeled -2"), bad.getMessage());
        JsonNode saved = JSON.readTree(out.resolve(ShapesGenerator.CONFIG_JSON).toFile());
        assertEquals(11, saved.get("seed").asLong());
        assertEquals(7, saved.get("images").get("unlabeled").asInt());
        assertEquals("circle", saved.get("classes").get(0).asText());
    }
}
