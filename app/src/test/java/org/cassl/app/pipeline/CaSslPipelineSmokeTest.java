package org.cassl.app.pipeline;

import org.cassl.training.pipeline.*;
import org.cassl.training.api.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoImage;
import org.cassl.detection.coco.Segmentation;
import org.cassl.detection.coco.CocoReader;
import org.cassl.training.data.Augmentation;
import org.cassl.app.shapes.GenerateShapes;
import org.cassl.training.trainer.TrainOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** A tiny end-to-end CA-SSL run (a few iterations per stage) proving the wiring. */
class CaSslPipelineSmokeTest {

    static TrainOptions opts(long iters) {
        return new TrainOptions(iters, 2, 0.01, 0.9, 1e-4, "sgd", 1, 0.1, "constant", 10.0, 0, 1, 2, 1, 2, 1, 0);
    }

    @Test
    void allStagesRunAndResumingAFinishedExperimentRetrainsNothing(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        GenerateShapes.run(new GenerateShapes.Options(data, 4, 4, 2, 1, 64, false, 1));
        FcosConfig model = FcosConfig.parse("{\"backbone\": \"resnet18\", \"fpn_channels\": 32, \"num_classes\": 7,"
                + " \"min_size\": 64, \"max_size\": 64, \"score_thresh\": 0.0, \"frozen_bn\": false,"
                + " \"trainable_backbone_layers\": 5}");
        CaSslConfig cfg = new CaSslConfig(model, data.resolve("labeled.json"), data.resolve("labeled"),
                UnlabeledImages.folder(data.resolve("unlabeled")), data.resolve("val.json"), data.resolve("val"),
                dir.resolve("exp"), opts(2), opts(2), opts(2), PseudoLabelOptions.defaults().withTau(0.0),
                List.of(WarmupMode.CLASS_AGNOSTIC, WarmupMode.CLASS_AWARE), Augmentation.standard());
        Map<String, Map<String, Double>> r = new CaSslPipeline(cfg, null, null).run();
        assertEquals(List.of("baseline", "ca_ssl", "class_aware"), List.copyOf(r.keySet()));
        for (Map<String, Double> m : r.values()) {
            assertTrue(m.get("AP") >= 0 && m.get("AP") <= 1, "AP is a fraction: " + m);
            assertEquals(24, m.size(), "the 12 COCO stats with classes and the 12 class-agnostic ones: " + m);
            assertTrue(m.get("agnostic_AP") >= 0 && m.get("agnostic_AP") <= 1, "class-agnostic AP is a fraction: " + m);
        }
        CocoDataset pseudo = CocoReader.read(dir.resolve("exp/pseudo_labels.json"));
        assertEquals(4, pseudo.images().size());
        assertEquals("object", pseudo.categories().get(0).name());
        assertTrue(pseudo.annotations().stream().allMatch(a -> a.categoryId() == 1 && a.extras().containsKey("teacher_score")));
        for (String stage : List.of("baseline", "warmup-agnostic", "finetune-agnostic", "warmup-aware", "finetune-aware")) {
            assertTrue(TrainRun.isFinished(dir.resolve("exp").resolve(stage)), stage);
        }
        long before = Files.getLastModifiedTime(dir.resolve("exp/baseline/model.safetensors")).toMillis();
        Map<String, Map<String, Double>> again = new CaSslPipeline(cfg, null, null).run();
        assertEquals(r, again, "a finished experiment is read back, not retrained");
        assertEquals(before, Files.getLastModifiedTime(dir.resolve("exp/baseline/model.safetensors")).toMillis());

        CaSslConfig otherTau = new CaSslConfig(model, data.resolve("labeled.json"), data.resolve("labeled"),
                UnlabeledImages.folder(data.resolve("unlabeled")), data.resolve("val.json"), data.resolve("val"),
                dir.resolve("exp"), opts(2), opts(2), opts(2), PseudoLabelOptions.defaults().withTau(0.5),
                List.of(WarmupMode.CLASS_AGNOSTIC, WarmupMode.CLASS_AWARE), Augmentation.standard());
        org.cassl.training.UserInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.cassl.training.UserInputException.class, () -> new CaSslPipeline(otherTau, null, null).run(),
                "pseudo-labels of tau 0.0 are not reused for tau 0.5");
        assertTrue(e.getMessage().contains("tau 0.5"), e.getMessage());
    }

    /** With a mask head, masks travel through every stage: pseudo-labels carry RLE, the table gets mask AP. */
    @ParameterizedTest
    @ValueSource(strings = {"condinst", "roi"})
    void masksGoThroughEveryStage(String maskHead, @TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        GenerateShapes.run(new GenerateShapes.Options(data, 4, 3, 2, 1, 64, false, 1));
        FcosConfig model = FcosConfig.parse("{\"backbone\": \"resnet18\", \"fpn_channels\": 32, \"num_classes\": 7,"
                + " \"min_size\": 64, \"max_size\": 64, \"score_thresh\": 0.0, \"frozen_bn\": false,"
                + " \"trainable_backbone_layers\": 5, \"mask_head\": \"" + maskHead + "\"}");
        CaSslConfig cfg = new CaSslConfig(model, data.resolve("labeled.json"), data.resolve("labeled"),
                UnlabeledImages.folder(data.resolve("unlabeled")), data.resolve("val.json"), data.resolve("val"),
                dir.resolve("exp"), opts(2), opts(2), opts(2), PseudoLabelOptions.defaults().withTau(0.0),
                List.of(WarmupMode.CLASS_AGNOSTIC), Augmentation.standard());
        Map<String, Map<String, Double>> r = new CaSslPipeline(cfg, null, null).run();
        assertEquals(List.of("baseline", "ca_ssl"), List.copyOf(r.keySet()));
        for (Map<String, Double> m : r.values()) {
            assertEquals(36, m.size(), "box, mask and class-agnostic box stats: " + m);
            assertTrue(m.get("mask_AP") >= 0 && m.get("mask_AP") <= 1, "mask AP is a fraction: " + m);
        }
        CocoDataset pseudo = CocoReader.read(dir.resolve("exp/pseudo_labels.json"));
        assertTrue(!pseudo.annotations().isEmpty(), "tau 0 keeps the teacher's boxes");
        for (CocoAnnotation a : pseudo.annotations()) {
            CocoImage im = pseudo.images().stream().filter(i -> i.id() == a.imageId()).findFirst().orElseThrow();
            assertTrue(a.segmentation() instanceof Segmentation.CompressedRle rle && rle.height() == im.height()
                    && rle.width() == im.width(), "teacher mask as an RLE of the image's size: " + a.segmentation());
        }
    }
}
