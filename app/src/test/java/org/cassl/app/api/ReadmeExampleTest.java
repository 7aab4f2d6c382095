package org.cassl.app.api;

import org.cassl.training.api.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.EmbeddingExample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.cassl.app.shapes.GenerateShapes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Use from Java" example is this module's EmbeddingExample, and it runs. */
class ReadmeExampleTest {
    static final Path README = Path.of("..", "README.md");
    static final Path EXAMPLE = Path.of("src", "test", "java", "com", "example", "EmbeddingExample.java");

    /** The first ```java block after the marker comment. */
    static String readmeExample() throws Exception {
        String md = Files.readString(README, StandardCharsets.UTF_8);
        int marker = md.indexOf("<!-- embedding-example:");
        assertTrue(marker >= 0, "README.md has the embedding-example marker");
        int start = md.indexOf("```java\n", marker) + "```java\n".length();
        int end = md.indexOf("```", start);
        return md.substring(start, end);
    }

    @Test
    void theReadmeShowsTheExampleSourceVerbatim() throws Exception {
        assertEquals(Files.readString(EXAMPLE, StandardCharsets.UTF_8), readmeExample(),
                "README.md's Java example and " + EXAMPLE + " must be identical");
    }

    @Test
    void theExampleRuns(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        GenerateShapes.run(new GenerateShapes.Options(data, 4, 1, 2, 1, 64, false, 1));
        Path config = dir.resolve("config.json");
        Files.writeString(config, JobsTest.CONFIG);
        Path image;
        try (Stream<Path> s = Files.list(data.resolve("val"))) {
            image = s.filter(p -> p.toString().endsWith(".png")).sorted().findFirst().orElseThrow();
        }
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            EmbeddingExample.main(new String[] {config.toString(), data.toString(), dir.resolve("run").toString(),
                image.toString()});
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("AP "), out);
        assertTrue(Files.isRegularFile(dir.resolve("run/model.safetensors")));
    }
}
