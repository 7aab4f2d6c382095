package org.cassl.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.cassl.app.report.DetectionDrawer;
import org.cassl.training.api.Detection;
import org.cassl.training.api.Detector;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.coco.mask.Rle;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.Generator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** {@code cassl detect} on a model with a mask head: RLE per detection, masks drawn. */
class DetectMasksTest {
    @ParameterizedTest
    @ValueSource(strings = {"none", "condinst", "roi"})
    void segmentationIsWrittenExactlyWhenTheModelHasAMaskHead(String maskHead, @TempDir Path dir) throws Exception {
        String config = "{\"backbone\": \"resnet18\", \"fpn_channels\": 32, \"num_classes\": 3, \"min_size\": 64,"
                + " \"max_size\": 64, \"score_thresh\": 0.0, \"mask_head\": \"" + maskHead + "\"}";
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, config);
        new Fcos(FcosConfig.parse(config), new Generator(3)).saveWeights(dir.resolve("w.safetensors"));
        BufferedImage bi = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = bi.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillOval(8, 6, 24, 20);
        g.dispose();
        Path img = dir.resolve("i.png");
        ImageIO.write(bi, "png", img.toFile());
        Path out = dir.resolve("out.json");
        Path draw = dir.resolve("draw");
        CliBadInputTest.Run r = CliBadInputTest.run("detect", "--config", cfg.toString(), "--weights",
                dir.resolve("w.safetensors").toString(), "--out", out.toString(), "--draw", draw.toString(), img.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode dets = new ObjectMapper().readTree(out.toFile()).get(0).get("detections");
        assertTrue(dets.size() > 0, "score_thresh 0 keeps detections");
        for (JsonNode d : dets) {
            JsonNode seg = d.get("segmentation");
            if (maskHead.equals("none")) {
                assertFalse(d.has("segmentation"), "no mask head, no segmentation");
                continue;
            }
            assertEquals(40, seg.get("size").get(0).asInt());
            assertEquals(48, seg.get("size").get(1).asInt());
            Rle rle = Rle.fromCompressedString(40, 48, seg.get("counts").asText());
            assertEquals(40 * 48, rle.decode().length, "the RLE covers the original image");
        }
        assertTrue(Files.size(draw.resolve("i.png")) > 0);
        sameAsTheApi(cfg, dir.resolve("w.safetensors"), img, dets, draw.resolve("i.png"));
    }

    /**
     * The CLI's JSON is the API's records, field for field (boxes and scores exactly, masks as the
     * same RLE), and its drawing is the one the report makes of those records.
     */
    private static void sameAsTheApi(Path cfg, Path weights, Path img, JsonNode dets, Path drawn) throws Exception {
        try (Detector detector = Detector.load(cfg, weights)) {
            List<Detection> api = detector.detect(img);
            assertEquals(api.size(), dets.size());
            List<DetectionDrawer.Item> items = new ArrayList<>();
            for (int i = 0; i < api.size(); i++) {
                Detection a = api.get(i);
                JsonNode d = dets.get(i);
                assertEquals(a.box().x1(), (float) d.get("bbox").get(0).asDouble());
                assertEquals(a.box().y1(), (float) d.get("bbox").get(1).asDouble());
                assertEquals(a.box().x2(), (float) d.get("bbox").get(2).asDouble());
                assertEquals(a.box().y2(), (float) d.get("bbox").get(3).asDouble());
                assertEquals(a.score(), (float) d.get("score").asDouble());
                assertEquals(a.label(), d.get("label").asInt());
                if (a.mask() == null) {
                    assertFalse(d.has("segmentation"));
                } else {
                    assertEquals(a.mask().toCocoRle(), d.get("segmentation").get("counts").asText());
                }
                items.add(DetectionDrawer.Item.of(a, Integer.toString(a.label())));
            }
            BufferedImage src = ImageIO.read(img.toFile());
            Path again = drawn.resolveSibling("api.png");
            DetectionDrawer.writePng(DetectionDrawer.draw(src, items, Math.max(1, 512 / Math.max(src.getWidth(),
                    src.getHeight()))), again);
            assertArrayEquals(Files.readAllBytes(drawn), Files.readAllBytes(again), "the same drawing");
        }
    }
}
