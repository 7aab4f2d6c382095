package org.cassl.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cassl eval --class-agnostic}: right boxes with wrong classes score 0 AP with classes and 100 without. */
class EvalClassAgnosticTest {
    private static final String GT = "{\"images\": [{\"id\": 1, \"file_name\": \"1.png\", \"width\": 100, \"height\": 100}],"
            + " \"categories\": [{\"id\": 1, \"name\": \"a\"}, {\"id\": 2, \"name\": \"b\"}],"
            + " \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [10, 10, 30, 30], \"area\": 900,"
            + " \"iscrowd\": 0}, {\"id\": 2, \"image_id\": 1, \"category_id\": 2, \"bbox\": [60, 60, 20, 20], \"area\": 400,"
            + " \"iscrowd\": 0}]}";
    // both objects found with the other's class, plus a lower-scored duplicate of the first with the right class
    private static final String DT = "[{\"image_id\": 1, \"category_id\": 2, \"bbox\": [10, 10, 30, 30], \"score\": 0.9},"
            + " {\"image_id\": 1, \"category_id\": 1, \"bbox\": [60, 60, 20, 20], \"score\": 0.8},"
            + " {\"image_id\": 1, \"category_id\": 1, \"bbox\": [11, 10, 30, 30], \"score\": 0.1}]";

    @Test
    void localisationIsScoredWhateverTheClass(@TempDir Path dir) throws Exception {
        Path gt = dir.resolve("gt.json");
        Path dt = dir.resolve("dt.json");
        Files.writeString(gt, GT);
        Files.writeString(dt, DT);
        double withClasses = ap("eval", "--gt", gt.toString(), "--dt", dt.toString(), "--json");
        double agnostic = ap("eval", "--gt", gt.toString(), "--dt", dt.toString(), "--json", "--class-agnostic");
        assertEquals(1.0, agnostic, 1e-12, "both objects found, the duplicate suppressed by the class-agnostic NMS");
        // class a: precision 0.5 at full recall (its one right box ranks second) at the 9 IoU thresholds up to 0.9
        // (the box overlaps at IoU 29/31 = 0.935), so 0.45; class b: 0
        assertEquals(0.225, withClasses, 1e-9);
        CliBadInputTest.badInput(CliBadInputTest.run("eval", "--gt", gt.toString(), "--dt", dt.toString(),
                "--class-agnostic=1.5"), "expected an IoU in (0, 1]");
        CliBadInputTest.badInput(CliBadInputTest.run("eval", "--gt", gt.toString(), "--dt", dt.toString(),
                "--class-agnostic", "--iou-type", "segm"), "boxes only");
    }

    private static double ap(String... args) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.commandLine().execute(args));
        } finally {
            System.setOut(old);
        }
        return new ObjectMapper().readTree(buf.toString(StandardCharsets.UTF_8)).get("AP").asDouble();
    }
}
