package org.cassl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.cassl.training.api.PseudoLabelJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** local[2,3]: a task that fails on its first attempt is retried; the output is still the one-machine output. */
@Timeout(240)
class SparkRetryTest {
    @TempDir
    Path dir;

    @Test
    void aTaskFailureOnItsFirstAttemptChangesNothing() throws Exception {
        Fixtures.teacher(dir.resolve("teacher"), Fixtures.CONFIG);
        Fixtures.shapes(dir, 7);
        Path ref = dir.resolve("ref.json");
        var o = SparkPseudoLabelTest.OPTS;
        PseudoLabelJob.builder(dir.resolve("teacher/config.json"), dir.resolve("teacher/model.safetensors"), dir.resolve("img"), ref)
                .tau(o.tau()).nmsThreshold(o.nmsThreshold()).maxPerImage(o.maxPerImage()).batchSize(o.batchSize()).build().run();
        JavaSparkContext sc = Fixtures.local("local[2,3]");
        try {
            Path out = dir.resolve("spark.json");
            SparkPseudoLabel.run(sc, new SparkPseudoLabel.Spec(dir.resolve("teacher/config.json").toString(),
                    dir.resolve("teacher/model.safetensors").toUri().toString(), dir.resolve("img").toString(), out.toString(), o,
                    "skip", 3, "auto", 1));
            assertArrayEquals(Files.readAllBytes(ref), Files.readAllBytes(out));
        } finally {
            sc.stop();
        }
    }
}
