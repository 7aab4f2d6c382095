package org.cassl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.cassl.training.api.CaSslJob;
import org.cassl.training.api.JobResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cassl spark ca-ssl} on a tiny FCOS (resnet18, FPN 32, 64 px, frozen BN), 4 labeled and 4
 * unlabeled images, 2 iterations per stage, in {@code local[2]}:
 * <ul>
 * <li>with 1 replica per stage (global batch 2) the experiment folder holds exactly the files of the
 *     one-machine {@code cassl ca-ssl} with batch 2, and every model, eval, config, pseudo-label and
 *     results file is byte-identical (exact, not to a tolerance: the same {@code TrainRun} code runs
 *     on the executor from the spec shipped as JSON and paths, and the pseudo-labels, split over two
 *     partitions, merge into the one-machine file); {@code train.json} is compared with the
 *     experiment folder's name replaced and without its fingerprint, a hash over those paths;</li>
 * <li>with 2 replicas x batch 1, from the one-machine teacher, the warmup and fine-tune write the
 *     same files (plus the replicas' metrics) and report their all-reduce time. Their weights are not
 *     compared: they train on pseudo-labels whose box count varies per image, and a replica
 *     normalises its loss by its own slice's foreground points (as torchvision does per batch), so
 *     2 x 1 is not 1 x 2 in math there; where it is (equal foreground per slice), SparkTrainTest and
 *     SparkLocalClusterTest check the weights. Run again, the experiment is found finished by every
 *     replica and nothing retrains.</li>
 * </ul>
 */
@Timeout(400)
class SparkCaSslTest {
    @TempDir
    Path dir;

    /** {@link SparkTrainTest}'s labeled set (config.json, ann.json, img/) and 4 unlabeled shapes images. */
    void data() throws Exception {
        SparkTrainTest.data(dir);
        Fixtures.shapes(dir.resolve("unl"), 4);
    }

    CaSslJob.Builder job(String out, int globalBatch) {
        return CaSslJob.builder(dir.resolve("config.json"), dir.resolve("ann.json"), dir.resolve("img"),
                dir.resolve("unl/img"), dir.resolve("ann.json"), dir.resolve("img"), dir.resolve(out))
                .iterations(2).batchSize(globalBatch).learningRate(0.01).seed(3).workers(1).tau(0.0).schedule("constant")
                .learningRateWarmup(0);
    }

    static TreeSet<String> files(Path root) throws IOException {
        TreeSet<String> s = new TreeSet<>();
        try (Stream<Path> w = Files.walk(root)) {
            w.filter(Files::isRegularFile).forEach(p -> s.add(root.relativize(p).toString()));
        }
        return s;
    }

    @Test
    void sparkPipelineWritesTheOneMachineFiles() throws Exception {
        data();
        JobResult ref = job("one", 2).build().run();
        assertTrue(ref.completed(), ref.message());
        JavaSparkContext sc = Fixtures.local("local[2]");
        SparkStages one;
        SparkStages two;
        JobResult r1;
        JobResult r2;
        try {
            one = new SparkStages(sc, new SparkStages.Settings(1, 0, "auto", 2, null));
            r1 = job("spark1", 2).stages(one).build().run();
            two = new SparkStages(sc, new SparkStages.Settings(2, 0, "cpu", 2, null));
            // the teacher of the one-machine run: 2 x 1 vs 1 x 2 on the labeled set is SparkTrainTest's
            r2 = job("spark2", 2).teacherRun(dir.resolve("one/baseline")).stages(two).build().run();
            // the same command again: every stage is found finished (by every replica), nothing retrains
            JobResult again = job("spark2", 2).teacherRun(dir.resolve("one/baseline"))
                    .stages(new SparkStages(sc, new SparkStages.Settings(2, 0, "cpu", 2, null))).build().run();
            assertTrue(again.completed(), again.message());
            assertEquals(r2.metrics(), again.metrics());
        } finally {
            sc.stop();
        }
        assertTrue(r1.completed() && r2.completed(), r1.message() + " / " + r2.message());
        assertEquals(ref.metrics(), r1.metrics());
        Path a = dir.resolve("one");
        Path b = dir.resolve("spark1");
        TreeSet<String> expected = files(a);
        assertTrue(expected.containsAll(List.of("results.json", "pseudo_labels.json", "init.safetensors",
                "baseline/model.safetensors", "warmup-agnostic/model.safetensors", "finetune-agnostic/eval.json")), expected.toString());
        assertEquals(expected, files(b));
        assertTrue(Files.readString(a.resolve("pseudo_labels.json")).contains("teacher_score"), "the teacher labels something");
        for (String f : expected) {
            if (f.endsWith("metrics.jsonl") || f.contains("checkpoints")) { // these hold wall times
                continue;
            }
            if (f.endsWith(".json")) { // train.json names the run folders (a stage's init), and hashes them in its fingerprint
                assertEquals(Files.readString(a.resolve(f)).replaceAll("\"fingerprint\" : \"\\w+\"", ""),
                        Files.readString(b.resolve(f)).replace(b.toString(), a.toString())
                                .replaceAll("\"fingerprint\" : \"\\w+\"", ""), f + " differs");
            } else {
                assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f + " differs");
            }
        }
        // 2 replicas x batch 1: the same files, plus the replicas' metrics
        TreeSet<String> got = files(dir.resolve("spark2"));
        got.removeIf(f -> f.contains("replicas/"));
        TreeSet<String> noTeacher = new TreeSet<>(expected);
        noTeacher.removeIf(f -> f.startsWith("baseline/"));
        assertEquals(noTeacher, got);
        for (String stage : List.of("warmup-agnostic", "finetune-agnostic")) {
            assertTrue(Files.isRegularFile(dir.resolve("spark2/" + stage + "/replicas/rank-1/metrics.jsonl")), stage);
        }
        assertEquals(2, two.stats().size(), two.stats().toString());
        for (SparkStages.StageStats s : two.stats()) {
            assertEquals(1, s.iterations(), s.toString()); // 2 iterations, the first left out
            assertTrue(s.allReduceSeconds() > 0 && s.allReduceSeconds() < s.stepSeconds() && s.bytesSent() > 0, s.toString());
        }
        two.stats().forEach(s -> System.out.println("SparkCaSslTest: " + s.describe(2)));
    }
}
