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
}
