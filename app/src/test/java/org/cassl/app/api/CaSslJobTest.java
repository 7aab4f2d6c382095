package org.cassl.app.api;

import org.cassl.training.api.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cassl.app.shapes.GenerateShapes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three CA-SSL stages through the API: stages reported, cancellation in a stage, resume to the end. */
class CaSslJobTest {
    @Test
    void runsCancelsAndResumes(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        GenerateShapes.run(new GenerateShapes.Options(data, 4, 4, 2, 1, 64, false, 1));
        Path config = dir.resolve("config.json");
        Files.writeString(config, JobsTest.CONFIG);
        List<String> stages = new ArrayList<>();
        CaSslJob[] job = new CaSslJob[1];
        job[0] = CaSslJob.builder(config, data.resolve("labeled.json"), data.resolve("labeled"), data.resolve("unlabeled"),
                data.resolve("val.json"), data.resolve("val"), dir.resolve("exp")).iterations(2).batchSize(2).workers(1)
                .tau(0.0).listener(new JobListener() {
                    @Override
                    public void onStage(String stage, String description) {
                        stages.add(stage);
                    }

                    @Override
                    public void onIteration(IterationProgress p) {
                        if (p.stage().equals("warmup-agnostic") && p.iteration() == 1 && !stages.contains("cancelled")) {
                            stages.add("cancelled");
                            job[0].cancel();
                        }
                    }
                }).build();
        JobResult first = job[0].run();
        assertEquals(JobResult.Status.CANCELLED, first.status(), first.message());
        assertEquals(List.of("baseline", "pseudo-label", "warmup-agnostic", "cancelled"), stages);
        JobResult second = job[0].run();
        assertTrue(second.completed(), second.message());
        assertEquals(List.of("baseline", "ca_ssl"), List.copyOf(second.metrics().keySet()));
        assertTrue(second.stats("ca_ssl").ap() >= 0);
        assertTrue(Files.isRegularFile(dir.resolve("exp/results.json")));
        assertEquals(List.of("baseline", "pseudo-label", "warmup-agnostic", "cancelled", "baseline", "warmup-agnostic",
                "finetune-agnostic"), stages);
    }

    /** The controls, a test split and the gain: every model evaluated on test, the val metrics kept beside. */
    @Test
    void controlsAreTrainedAndEvaluatedOnTheTestSplit(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        GenerateShapes.run(new GenerateShapes.Options(data, 4, 4, 2, 1, 64, false, 1, 3,
                org.cassl.app.shapes.Difficulty.defaults()));
        Path config = dir.resolve("config.json");
        Files.writeString(config, JobsTest.CONFIG);
        List<String> stages = new ArrayList<>();
        CaSslJob.Builder b = CaSslJob.builder(config, data.resolve("labeled.json"), data.resolve("labeled"),
                        data.resolve("unlabeled"), data.resolve("val.json"), data.resolve("val"), dir.resolve("exp"))
                .iterations(1).warmupIterations(1).teacherIterations(2).batchSize(2).workers(1).tau(0.0)
                .schedule("cosine").controls(true).test(data.resolve("test.json"), data.resolve("test"))
                .listener(new JobListener() {
                    @Override
                    public void onStage(String stage, String description) {
                        stages.add(stage);
                    }
                });
        JobResult r = b.build().run();
        assertTrue(r.completed(), r.message());
        assertEquals(List.of("baseline", "baseline_long", "labeled_warmup", "ca_ssl"), List.copyOf(r.metrics().keySet()));
        // L = W + F: the teacher is control (b) too, trained once
        assertEquals(List.of("baseline", "warmup-labeled", "finetune-labeled", "pseudo-label", "warmup-agnostic",
                "finetune-agnostic"), stages);
        assertEquals(r.metrics().get("baseline"), r.metrics().get("baseline_long"));
        // every warmup starts from the baseline's initial weights (class logits apart)
        assertTrue(Files.isRegularFile(dir.resolve("exp/init.safetensors")));
        assertTrue(Files.readString(dir.resolve("exp/warmup-agnostic/train.json")).contains("init.safetensors"));
        for (String stage : List.of("baseline", "finetune-labeled", "finetune-agnostic")) {
            assertTrue(Files.isRegularFile(dir.resolve("exp").resolve(stage).resolve("test_eval.json")), stage);
        }
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("exp/results.json").toFile());
        assertEquals("test", json.get("evaluated_on").asText());
        assertEquals(24, json.get("ca_ssl").size(), "the 12 COCO stats with classes and the 12 class-agnostic ones");
        double expected = json.get("ca_ssl").get("AP").asDouble()
                - Math.max(json.get("baseline_long").get("AP").asDouble(), json.get("labeled_warmup").get("AP").asDouble());
        assertEquals(expected, json.get("gain").asDouble(), 1e-12);
        assertTrue(json.get("val").has("labeled_warmup"));
        // test metrics are not the validation ones (different images)
        assertEquals(3, com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
                .readTree(data.resolve("test.json").toFile()).get("images").size());

        // a teacher shorter than W + F: control (b) gets its own run; (c) can be left out
        stages.clear();
        JobResult again = CaSslJob.builder(config, data.resolve("labeled.json"), data.resolve("labeled"),
                        data.resolve("unlabeled"), data.resolve("val.json"), data.resolve("val"), dir.resolve("exp2"))
                .iterations(1).warmupIterations(1).batchSize(2).workers(1).tau(0.0).controls(true, false)
                .teacherRun(dir.resolve("exp/baseline")).listener(new JobListener() {
                    @Override
                    public void onStage(String stage, String description) {
                        stages.add(stage);
                    }
                }).build().run();
        assertTrue(again.completed(), again.message());
        assertEquals(List.of("baseline-long", "pseudo-label", "warmup-agnostic", "finetune-agnostic"), stages);
        assertEquals(List.of("baseline", "baseline_long", "ca_ssl"), List.copyOf(again.metrics().keySet()));
    }
}
