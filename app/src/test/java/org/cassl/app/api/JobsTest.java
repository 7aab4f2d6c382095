package org.cassl.app.api;

import org.cassl.training.api.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoReader;
import org.cassl.app.shapes.GenerateShapes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training, cancellation and resume, pseudo-labelling and COCO evaluation through the API. */
class JobsTest {
    static final String CONFIG = "{\"backbone\": \"resnet18\", \"fpn_channels\": 32, \"num_classes\": 7,"
            + " \"min_size\": 64, \"max_size\": 64, \"score_thresh\": 0.0, \"frozen_bn\": false,"
            + " \"trainable_backbone_layers\": 5}";

    @TempDir
    static Path dir;
    static Path data;
    static Path config;

    @BeforeAll
    static void data() throws Exception {
        data = dir.resolve("data");
        GenerateShapes.run(new GenerateShapes.Options(data, 4, 4, 2, 1, 64, false, 1));
        config = dir.resolve("config.json");
        Files.writeString(config, CONFIG);
    }

    static TrainingJob.Builder job(Path out) {
        return TrainingJob.builder(config, data.resolve("labeled.json"), data.resolve("labeled"), out).iterations(6)
                .batchSize(2).workers(1).seed(3).warmupIterations(1).checkpointEvery(100);
    }

    @Test
    void aCancelledRunResumesToTheWeightsOfAnUninterruptedOne() throws Exception {
        JobResult straight = job(dir.resolve("straight")).build().run();
        assertTrue(straight.completed(), straight.message());
        assertEquals(6, straight.iterations());

        List<String> events = Collections.synchronizedList(new ArrayList<>());
        TrainingJob[] holder = new TrainingJob[1];
        holder[0] = job(dir.resolve("cancelled")).listener(new JobListener() {
            @Override
            public void onStart(String stage, long start, long total) {
                events.add("start " + start + "/" + total);
            }

            @Override
            public void onIteration(IterationProgress p) {
                events.add("it " + p.iteration());
                assertTrue(p.losses().containsKey("classification"), p.losses().toString());
                assertTrue(p.imagesPerSecond() > 0);
                if (p.iteration() == 2) {
                    Thread t = new Thread(holder[0]::cancel, "canceller");
                    t.start();
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            }

            @Override
            public void onFinish(String stage, JobResult.Status status, String message) {
                events.add("finish " + status);
            }
        }).build();
        JobResult first = holder[0].run();
        assertEquals(JobResult.Status.CANCELLED, first.status(), first.message());
        assertEquals(2, first.iterations());
        assertNull(first.weights());
        assertTrue(Files.isDirectory(dir.resolve("cancelled/checkpoints")));
        assertTrue(!holder[0].isCancelled(), "the cancellation was consumed by the run");
        JobResult second = holder[0].run();
        assertTrue(second.completed(), second.message());
        assertEquals(List.of("start 0/6", "it 1", "it 2", "finish CANCELLED", "start 2/6", "it 3", "it 4", "it 5", "it 6",
                "finish COMPLETED"), events);
        assertArrayEquals(Files.readAllBytes(straight.weights()), Files.readAllBytes(second.weights()),
                "resumed weights are bit-identical to the uninterrupted run's");

        // a new job on the same folder needs resume(true); with it, a finished run is read back
        DataException e = assertThrows(DataException.class, () -> job(dir.resolve("straight")).build().run());
        assertTrue(e.getMessage().contains("already holds a run"), e.getMessage());
        assertTrue(job(dir.resolve("straight")).resume(true).build().run().completed());
    }

    @Test
    void pseudoLabelsAndEvaluation() throws Exception {
        JobResult t = job(dir.resolve("teacher")).iterations(2).validation(data.resolve("val.json"), data.resolve("val"))
                .build().run();
        assertTrue(t.completed());
        CocoStats s = t.stats("model");
        assertTrue(s.ap() >= 0 && s.ap() <= 1, s.toString());
        assertEquals(12, s.toArray().length);
        Path pseudo = dir.resolve("pseudo.json");
        List<int[]> progress = new ArrayList<>();
        JobResult p = PseudoLabelJob.builder(dir.resolve("teacher/config.json"), t.weights(), data.resolve("unlabeled"),
                pseudo).tau(0.0).listener(new JobListener() {
                    @Override
                    public void onImagesLabeled(int done, int total) {
                        progress.add(new int[] {done, total});
                    }
                }).build().run();
        assertTrue(p.completed(), p.message());
        assertEquals(4, p.iterations());
        assertEquals(4, progress.get(progress.size() - 1)[0]);
        assertEquals(4, CocoReader.read(pseudo).images().size());

        // evaluation: the ground truth as detections is perfect, from memory and from a file
        Path gt = data.resolve("val.json");
        CocoDataset ds = CocoReader.read(gt);
        Map<Long, List<Detection>> perfect = new HashMap<>();
        for (CocoAnnotation a : ds.annotations()) {
            var b = a.bbox();
            perfect.computeIfAbsent(a.imageId(), k -> new ArrayList<>()).add(new Detection(
                    new Box((float) b.x(), (float) b.y(), (float) (b.x() + b.width()), (float) (b.y() + b.height())), 1f,
                    (int) a.categoryId(), null));
        }
        CocoStats best = CocoEvaluation.evaluate(gt, perfect, IouType.BBOX);
        assertEquals(1.0, best.ap(), 1e-9);
        assertEquals(best.ap50(), best.asMap().get("AP50"));
        assertThrows(IllegalArgumentException.class, () -> CocoEvaluation.evaluate(gt, perfect, IouType.SEGM));
        assertThrows(DataException.class, () -> CocoEvaluation.evaluate(dir.resolve("none.json"), perfect, IouType.BBOX));
        assertThrows(NullPointerException.class, () -> CocoEvaluation.evaluate(gt, (Path) null, IouType.BBOX));
    }

    @Test
    void buildersValidateAndUseTheCliDefaults() {
        assertThrows(NullPointerException.class, () -> TrainingJob.builder(null, config, config, config));
        assertThrows(IllegalArgumentException.class, () -> job(dir).iterations(0));
        assertThrows(IllegalArgumentException.class, () -> job(dir).learningRate(-1));
        assertThrows(IllegalArgumentException.class, () -> job(dir).optimizer("adam"));
        assertThrows(IllegalArgumentException.class, () -> PseudoLabelJob.builder(config, config, config, config).tau(1.5));
        assertThrows(IllegalArgumentException.class,
                () -> CaSslJob.builder(config, config, config, config, config, config, config).warmups(false, false));
        assertEquals(8, Defaults.BATCH);
        assertEquals(0.01, Defaults.LR);
    }
}
