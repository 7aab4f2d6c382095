package org.cassl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.cassl.training.UserInputException;
import org.cassl.training.api.PseudoLabelJob;
import org.cassl.training.pipeline.PseudoLabelOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(240)
class SparkPseudoLabelTest {
    static final PseudoLabelOptions OPTS = new PseudoLabelOptions(0.05, 0.6, 20, 3);

    @TempDir
    static Path dir;
    JavaSparkContext sc;
    Path list;
    byte[] reference;

    @BeforeAll
    void setUp() throws Exception {
        Fixtures.teacher(dir.resolve("teacher"), Fixtures.CONFIG);
        List<String> names = new ArrayList<>(Fixtures.shapes(dir, 10));
        // one missing and one corrupt image: both runs skip them
        Files.write(dir.resolve("img/corrupt.png"), new byte[] {1, 2, 3, 4});
        names.add(4, "img/corrupt.png");
        names.add(8, "img/missing.png");
        list = Files.write(dir.resolve("list.txt"), names);
        Path ref = dir.resolve("ref.json");
        PseudoLabelJob.builder(dir.resolve("teacher/config.json"), dir.resolve("teacher/model.safetensors"), list, ref)
                .tau(OPTS.tau()).nmsThreshold(OPTS.nmsThreshold()).maxPerImage(OPTS.maxPerImage())
                .batchSize(OPTS.batchSize()).build().run();
        reference = Files.readAllBytes(ref);
        assertTrue(new String(reference).contains("teacher_score"), "the reference run labels something");
        sc = Fixtures.local("local[2]");
    }

    @AfterAll
    void tearDown() {
        if (sc != null) {
            sc.stop();
        }
    }

    SparkPseudoLabel.Spec spec(String out, String onError, int failPart) {
        return new SparkPseudoLabel.Spec(dir.resolve("teacher/config.json").toString(),
                dir.resolve("teacher/model.safetensors").toString(), list.toString(), out, OPTS, onError, 0, "cpu", failPart);
    }

    @Test
    void equalsTheOneMachineOutputAndListsUnreadableImages() throws Exception {
        Path out = dir.resolve("spark.json");
        SparkPseudoLabel.Result r = SparkPseudoLabel.run(sc, spec(out.toString(), "skip", -1));
        Files.write(Path.of("target/debug-ref.json"), reference);
        Files.copy(out, Path.of("target/debug-spark.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertArrayEquals(reference, Files.readAllBytes(out));
        assertEquals(2, r.skipped().size(), r.skipped().toString());
        assertTrue(r.skipped().get(0).startsWith("img/corrupt.png: cannot decode"), r.skipped().get(0));
        assertTrue(r.skipped().get(1).startsWith("img/missing.png: image not found"), r.skipped().get(1));
        assertFalse(Files.exists(dir.resolve("spark.json.parts")), "parts removed after the merge");
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temp or .crc files left");
        }
    }

    @Test
    void aFailedRunKeepsFinishedPartsAndTheRerunSkipsThem() throws Exception {
        Path out = dir.resolve("rerun.json");
        // local[2] does not retry: the job fails on the injected failure
        UserInputException e = assertThrows(UserInputException.class,
                () -> SparkPseudoLabel.run(sc, spec(out.toString(), "skip", 1)));
        assertTrue(e.getMessage().contains("injected failure in part 1"), e.getMessage());
        assertFalse(Files.exists(out));
        Path parts = dir.resolve("rerun.json.parts");
        assertFalse(Files.exists(parts.resolve("part-00001.jsonl")));
        long finished;
        try (var s = Files.list(parts)) {
            finished = s.filter(p -> p.getFileName().toString().startsWith("part-")).count();
        }
        try (var s = Files.list(parts)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("._tmp")), "no half-written part");
        }
        SparkPseudoLabel.Result r = SparkPseudoLabel.run(sc, spec(out.toString(), "skip", -1));
        assertTrue(r.reused() >= finished && r.reused() < r.parts(), r.reused() + " of " + r.parts() + " reused");
        assertArrayEquals(reference, Files.readAllBytes(out));
    }

    @Test
    void onErrorFailWritesNothing() {
        Path out = dir.resolve("fail.json");
        UserInputException e = assertThrows(UserInputException.class,
                () -> SparkPseudoLabel.run(sc, spec(out.toString(), "fail", -1)));
        assertTrue(e.getMessage().startsWith("2 unreadable image(s), first img/corrupt.png"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void badInputsEndInOneLineBeforeAnyOutput() throws Exception {
        String out = dir.resolve("bad.json").toString();
        SparkPseudoLabel.Spec ok = spec(out, "skip", -1);
        UserInputException e = assertThrows(UserInputException.class, () -> SparkPseudoLabel.run(sc,
                new SparkPseudoLabel.Spec(dir.resolve("nope.json").toString(), ok.weights(), ok.images(), out, OPTS, "skip", 0,
                        "cpu", -1)));
        assertTrue(e.getMessage().startsWith("config file not found: "), e.getMessage());
        Path wrong = Files.createDirectories(dir.resolve("wrong"));
        Files.writeString(wrong.resolve("config.json"), Fixtures.CONFIG.replace("resnet18", "resnet34"));
        e = assertThrows(UserInputException.class, () -> SparkPseudoLabel.run(sc,
                new SparkPseudoLabel.Spec(wrong.resolve("config.json").toString(), ok.weights(), ok.images(), out, OPTS, "skip", 0,
                        "cpu", -1)));
        assertTrue(e.getMessage().startsWith("the model does not load: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        e = assertThrows(UserInputException.class, () -> SparkPseudoLabel.run(sc,
                new SparkPseudoLabel.Spec(ok.config(), ok.weights(), ok.images(), dir.resolve("no/such/dir/o.json").toString(),
                        OPTS, "skip", 0, "cpu", -1)));
        assertTrue(e.getMessage().startsWith("output folder not found: "), e.getMessage());
        e = assertThrows(UserInputException.class, () -> SparkPseudoLabel.run(sc,
                new SparkPseudoLabel.Spec(ok.config(), ok.weights(), dir.resolve("nolist.txt").toString(), out, OPTS, "skip", 0,
                        "cpu", -1)));
        assertTrue(e.getMessage().startsWith("image list not found: "), e.getMessage());
        assertFalse(Files.exists(Path.of(out)));
        assertFalse(Files.exists(Path.of(out + ".parts")));
    }
}
