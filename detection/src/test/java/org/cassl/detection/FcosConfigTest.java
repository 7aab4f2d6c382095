package org.cassl.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FcosConfigTest {

    @Test
    void defaultsAreTorchvisions() {
        FcosConfig c = FcosConfig.parse("{}");
        assertEquals(FcosConfig.Backbone.RESNET50, c.backbone());
        assertEquals(256, c.fpnChannels());
        assertEquals(91, c.numClasses());
        assertEquals(List.of(800), c.minSize());
        assertEquals(1333, c.maxSize());
        assertEquals(List.of(0.485, 0.456, 0.406), c.imageMean());
        assertEquals(List.of(0.229, 0.224, 0.225), c.imageStd());
        assertEquals(0.2, c.scoreThresh());
        assertEquals(0.6, c.nmsThresh());
        assertEquals(100, c.detectionsPerImg());
        assertEquals(1000, c.topkCandidates());
        assertEquals(1.5, c.centerSamplingRadius());
        assertEquals(FcosConfig.MaskHead.NONE, c.maskHead());
        assertTrue(c.frozenBn());
        assertEquals(FcosConfig.Assignment.TORCHVISION, c.assignment());
        assertEquals(3, c.trainableBackboneLayers());
        assertEquals(32, c.sizeDivisible());
    }

    @Test
    void parsesEveryKeyAndRoundTrips() {
        String json = """
                {"backbone": "resnet18", "fpn_channels": 64, "num_classes": 5, "min_size": [96, 128],
                 "max_size": 160, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.25, 0.25, 0.25],
                 "score_thresh": 0.05, "nms_thresh": 0.5, "detections_per_img": 20, "topk_candidates": 50,
                 "center_sampling_radius": 2, "mask_head": "condinst", "frozen_bn": false,
                 "assignment": "original", "trainable_backbone_layers": 5, "num_convs": 2, "size_divisible": 64}
                """;
        FcosConfig c = FcosConfig.parse(json);
        assertEquals(FcosConfig.Backbone.RESNET18, c.backbone());
        assertEquals(List.of(96, 128), c.minSize());
        assertEquals(128, c.testMinSize());
        assertEquals(2.0, c.centerSamplingRadius());
        assertEquals(FcosConfig.MaskHead.CONDINST, c.maskHead());
        assertFalse(c.frozenBn());
        assertEquals(FcosConfig.Assignment.ORIGINAL, c.assignment());
        assertEquals(2, c.numConvs());
        assertEquals(64, c.sizeDivisible());
        assertEquals(c, FcosConfig.parse(c.toJson()));
        assertEquals(FcosConfig.defaults(), FcosConfig.parse(FcosConfig.defaults().toJson()));
    }

    @Test
    void unknownKeyNamesTheKeyAndTheAllowedOnes() {
        ConfigException e = assertThrows(ConfigException.class, () -> FcosConfig.parse("{\"num_class\": 5}"));
        assertTrue(e.getMessage().contains("'num_class'"), e.getMessage());
        assertTrue(e.getMessage().contains("num_classes"), e.getMessage());
    }

    @Test
    void badEnumValueListsTheAllowedValues() {
        ConfigException e = assertThrows(ConfigException.class, () -> FcosConfig.parse("{\"backbone\": \"resnet101\"}"));
        assertTrue(e.getMessage().contains("backbone") && e.getMessage().contains("resnet101")
                && e.getMessage().contains("resnet18|resnet34|resnet50"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> FcosConfig.parse("{\"mask_head\": \"mask\"}"));
        assertTrue(e.getMessage().contains("none|condinst|roi"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> FcosConfig.parse("{\"assignment\": 3}"));
        assertTrue(e.getMessage().contains("torchvision|original"), e.getMessage());
    }

    @Test
    void wrongTypesAndRangesAreRejected() {
        String[] bad = {
            "{\"num_classes\": 5.5}", "{\"num_classes\": \"5\"}", "{\"num_classes\": 1}", "{\"fpn_channels\": 48}",
            "{\"min_size\": []}", "{\"min_size\": [800, -1]}", "{\"min_size\": 0}", "{\"image_mean\": [0.5, 0.5]}",
            "{\"image_std\": [0.2, 0, 0.2]}", "{\"score_thresh\": 1.5}", "{\"nms_thresh\": -0.1}",
            "{\"frozen_bn\": 1}", "{\"detections_per_img\": 0}", "{\"trainable_backbone_layers\": 6}",
            "{\"center_sampling_radius\": 0}", "{\"max_size\": null}", "[1, 2]", "{\"backbone\": ", "",
        };
        for (String json : bad) {
            ConfigException e = assertThrows(ConfigException.class, () -> FcosConfig.parse(json), json);
            assertFalse(e.getMessage().isBlank());
        }
        ConfigException e = assertThrows(ConfigException.class, () -> FcosConfig.parse("{\"fpn_channels\": 48}"));
        assertTrue(e.getMessage().contains("fpn_channels") && e.getMessage().contains("48"), e.getMessage());
    }

    @Test
    void loadNamesTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("model.json");
        Files.writeString(f, "{\"num_classes\": 3, \"max_size\": 640}");
        FcosConfig c = FcosConfig.load(f);
        assertEquals(3, c.numClasses());
        assertEquals(640, c.maxSize());
        Files.writeString(f, "{\"nope\": 1}");
        ConfigException e = assertThrows(ConfigException.class, () -> FcosConfig.load(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertThrows(ConfigException.class, () -> FcosConfig.load(dir.resolve("missing.json")));
    }

    @Test
    void overridingKeepsOtherValues() {
        FcosConfig c = FcosConfig.parse("{\"num_classes\": 7}").overriding("{\"score_thresh\": 0.3}");
        assertEquals(7, c.numClasses());
        assertEquals(0.3, c.scoreThresh());
    }
}
