package org.cassl.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cassl.detection.FcosConfig;
import org.cassl.training.pipeline.WarmupMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A miniature full demo: five models, the ablations, results.json keys, the report. */
class DemoRunnerTest {
    @Test
    void fullDemoInMiniature(@TempDir Path dir) throws Exception {
        DemoPlan full = DemoPlan.full();
        DemoPlan tiny = new DemoPlan("tiny", 4, 4, 2, 3, 64, 7, DemoPlan.demoData(64), List.of(0L), 2, 1, 1, 2, 0.01,
                "cosine", 0, "sgd", 1e-4, 0.9, 0.0, List.of(WarmupMode.CLASS_AGNOSTIC, WarmupMode.CLASS_AWARE), true, 1, List.of(0.0, 0.5),
                List.of(2), 1, "dihedral", FcosConfig.parse(DemoPlan.demoModel(64, FcosConfig.MaskHead.NONE).toJson())
                        .overriding("{\"fpn_channels\": 32, \"score_thresh\": 0.0}"));
        new DemoRunner(tiny, dir, "cpu", List.of()).run();
        JsonNode r = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
        for (String m : List.of("baseline", "baseline_long", "labeled_warmup", "class_aware", "ca_ssl")) {
            assertEquals(24, r.get(m).size(), m + ": the 12 COCO stats with classes and the 12 class-agnostic ones");
            assertTrue(r.get(m).get("agnostic_AP").asDouble() >= 0, m);
            assertTrue(r.get("val").has(m), m);
        }
        assertEquals("test", r.get("evaluated_on").asText());
        double expected = r.get("ca_ssl").get("AP").asDouble()
                - Math.max(r.get("baseline_long").get("AP").asDouble(), r.get("labeled_warmup").get("AP").asDouble());
        assertEquals(expected, r.get("gain").asDouble(), 1e-12);
        double expectedLoc = r.get("ca_ssl").get("agnostic_AP").asDouble() - Math.max(
                r.get("baseline_long").get("agnostic_AP").asDouble(), r.get("labeled_warmup").get("agnostic_AP").asDouble());
        assertEquals(expectedLoc, r.get("localisation_gain_over_controls").get("AP_gain_mean").asDouble(), 1e-12);
        JsonNode ab = r.get("ablations");
        assertTrue(ab.get("tau").has("0.0") && ab.get("tau").has("0.5"), ab.toString());
        assertTrue(ab.get("unlabeled").has("2"), ab.toString());
        assertTrue(ab.has("tau_chosen_on_val"));
        assertTrue(Files.isDirectory(dir.resolve("seed-0/ablation-tau-0.50")));
        assertEquals(List.of(3, 4, 5), tiny.model().fpnLevels());
        assertEquals("cosine", tiny.schedule());
        assertTrue(r.get("plan").get("schedule").asText().startsWith("cosine"));
        assertEquals(0.9, r.get("plan").get("ema_decay").asDouble(), 0, "the EMA choice is recorded");
        JsonNode opts = new ObjectMapper().readTree(dir.resolve("seed-0/finetune-agnostic/train.json").toFile()).get("options");
        assertEquals(0.9, opts.get("emaDecay").asDouble(), 0, "every stage trains with the plan's EMA");
        assertEquals("dihedral", r.get("plan").get("augmentation").asText(), "the augmentation is recorded");
        for (String stage : List.of("baseline", "warmup-agnostic", "finetune-agnostic", "warmup-labeled")) {
            JsonNode aug = new ObjectMapper().readTree(dir.resolve("seed-0/" + stage + "/train.json").toFile())
                    .get("augmentation");
            assertEquals(0.5, aug.get("transposeProbability").asDouble(), 0, stage + " trains with the plan's augmentation");
            assertEquals(0.5, aug.get("verticalFlipProbability").asDouble(), 0, stage);
        }
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("baseline (a) = baseline_long (b)") && html.contains("labeled_warmup (c)") && html.contains("CA-SSL (e)") && html.contains("Test results")
                && html.contains("locAP"), html);
        assertTrue(Files.isRegularFile(dir.resolve("plots/ap.png")));
        assertEquals(full.teacherIters(), full.warmupIters() + full.finetuneIters(), "L = W + F: (a) is (b)");
        assertFalse(r.get("resumed").asBoolean(), "a first run is end to end");
        new DemoRunner(tiny, dir, "cpu", List.of()).run();
        JsonNode again = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
        assertTrue(again.get("resumed").asBoolean(), "a rerun on the same folder says its seconds are not end to end");
        assertEquals(r.get("gain").asDouble(), again.get("gain").asDouble(), 0, "a resumed demo reuses every finished stage");
    }

    @Test
    void inputSizeChangesOnlyTheModelsResizeTarget() {
        DemoPlan roi = DemoPlan.quick().withMaskHead(FcosConfig.MaskHead.ROI);
        DemoPlan big = roi.withInputSize(192);
        assertEquals(List.of(192), big.model().minSize());
        assertEquals(192, big.model().maxSize());
        assertEquals(FcosConfig.MaskHead.ROI, big.model().maskHead(), "the mask head stays");
        assertEquals(roi.model().fpnLevels(), big.model().fpnLevels());
        assertEquals(roi.imageSize(), big.imageSize(), "the data stays");
        assertEquals(roi.teacherIters(), big.teacherIters());
        assertEquals(192, Aggregate.plan(big).get("model_input_size"));
        assertEquals(192, big.withMaskHead(FcosConfig.MaskHead.NONE).model().maxSize(), "a later mask-head change keeps it");
        assertThrows(IllegalArgumentException.class, () -> roi.withInputSize(16));
    }

    /** The quick and full plans keep what issue 12 asks of the setting, whatever the tuning. */
    @Test
    void plansKeepTheSettingOfTheIssue() {
        for (DemoPlan p : List.of(DemoPlan.quick(), DemoPlan.full())) {
            assertTrue(p.unlabeled() >= 8 * p.labeled(), p.name() + ": the unlabeled pool is much larger than the labeled set");
            assertEquals(p.teacherIters(), p.warmupIters() + p.finetuneIters(), p.name() + ": L = W + F, so (a) is (b)");
            // chosen on val: at equal compute the classes, taught only by the fine-tune, need its steps
            assertEquals(DemoPlan.WARMUP_ITERS, p.warmupIters(), p.name() + ": W chosen on val");
            assertTrue(p.finetuneIters() > p.warmupIters(), p.name() + ": the fine-tune is the longer stage");
            assertTrue(p.difficulty().minObjectSize() <= 32 && p.difficulty().maxObjectSize() > 96,
                    p.name() + ": COCO-small, medium and large objects can all occur");
            assertTrue(p.difficulty().novelFraction() == null || p.difficulty().novelFraction() > 0,
                    p.name() + ": novel kinds stay in the unlabeled pool");
            assertTrue(p.emaDecay() == 0 || (p.emaDecay() > 0.9 && p.emaDecay() < 1), p.name() + ": EMA decay");
            assertNull(p.model().sizeRanges(), p.name() + ": torchvision's (4s, 8s) level ranges (a 16/32 split cost 5 val AP)");
            assertEquals(DemoPlan.inputSize(p.imageSize()), p.model().maxSize(), p.name() + ": model input size");
        }
    }

    @Test
    void aModelOnFewerSeedsIsSaidSo() {
        DemoPlan full = DemoPlan.full();
        assertTrue(full.seeds().size() > 1 && !full.warmupsForSeed(1).contains(WarmupMode.CLASS_AWARE),
                "the full demo runs the class-aware warmup on its first seed only");
        String note = full.partialSeedsNote().orElseThrow();
        assertTrue(note.contains("class_aware") && note.contains("[" + full.seeds().get(0) + "]"), note);
        assertTrue(DemoPlan.quick().partialSeedsNote().isEmpty(), "the quick demo runs every model on its seed");
    }
}
