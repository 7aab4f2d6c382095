package org.cassl.detection.coco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader on a COCO-train-like file of 200k annotations: it streams (a child JVM with a 24 MB
 * heap parses the ~40 MB file), and what the full read keeps is compact.
 */
class CocoStreamingTest {
    private static final int IMAGES = 20_000;
    private static final int ANNOTATIONS = 200_000;

    @TempDir
    static Path tmp;
    static Path file;
    static double areaSum;

    @BeforeAll
    static void writeLargeFile() throws IOException {
        long t0 = System.nanoTime();
        long c0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        file = tmp.resolve("large.json");
        Random rnd = new Random(11);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("{\"info\": {\"description\": \"generated\"}, \"images\": [");
            for (int i = 1; i <= IMAGES; i++) {
                w.write((i > 1 ? ",\n" : "\n") + "{\"id\": " + i + ", \"file_name\": \"" + i + ".jpg\", \"width\": 640, \"height\": 480}");
            }
            w.write("],\n\"annotations\": [");
            for (int a = 1; a <= ANNOTATIONS; a++) {
                int xi = rnd.nextInt(50000);
                int yi = rnd.nextInt(40000);
                double x = xi / 100.0;
                double y = yi / 100.0;
                double area = rnd.nextInt(1000000) / 100.0;
                areaSum += area;
                StringBuilder poly = new StringBuilder();
                for (int p = 0; p < 6; p++) {
                    poly.append(p > 0 ? ", " : "").append((xi + rnd.nextInt(10000)) / 100.0).append(", ")
                            .append((yi + rnd.nextInt(8000)) / 100.0);
                }
                w.write((a > 1 ? ",\n" : "\n") + "{\"id\": " + a + ", \"image_id\": " + (1 + rnd.nextInt(IMAGES))
                        + ", \"category_id\": " + (1 + rnd.nextInt(80)) + ", \"bbox\": [" + x + ", " + y + ", 100.0, 80.0]"
                        + ", \"area\": " + area + ", \"iscrowd\": 0, \"segmentation\": [[" + poly + "]]}");
            }
            w.write("],\n\"categories\": [");
            for (int c = 1; c <= 80; c++) {
                w.write((c > 1 ? ", " : "") + "{\"id\": " + c + ", \"name\": \"c" + c + "\", \"supercategory\": \"s\"}");
            }
            w.write("]}\n");
        }
        System.out.printf("generated in %.1f s, cpu %.2f s%n", (System.nanoTime() - t0) / 1e9,
                (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0) / 1e9);
    }

    @Test
    void parsersHaveNoObjectCodecSoNoTreeCanBeBuilt() {
        // readTree/readValueAs need a codec; without one Jackson refuses them, so the reader cannot build a tree.
        assertNull(CocoReader.factory().getCodec());
    }

    @Test
    void streamingFitsInASmallHeap() throws Exception {
        long size = Files.size(file);
        assertTrue(size > 30_000_000, "file is " + size + " bytes");
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(javaBin.toString(), "-Xmx24m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), StreamingProbe.class.getName(), file.toString()));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), out);
        String[] parts = out.split("\\s+");
        String last = parts[parts.length - 2];
        assertEquals(Integer.toString(ANNOTATIONS), last, out);
        assertEquals(areaSum, Double.parseDouble(parts[parts.length - 1]), 1e-6 * areaSum);
        System.out.printf("streamed %d bytes in a 24 MB heap in %.1f s: %s%n", size, (System.nanoTime() - t0) / 1e9, out);
    }

    @Test
    void fullReadKeepsACompactModel() throws IOException {
        long size = Files.size(file);
        long before = usedHeap();
        long t0 = System.nanoTime();
        long c0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        CocoDataset ds = CocoReader.read(file);
        long c1 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        System.out.printf("read cpu %.2f s%n", (c1 - c0) / 1e9);
        long t1 = System.nanoTime();
        long after = usedHeap();
        System.out.printf("read in %.1f s, gc in %.1f s%n", (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
        assertEquals(ANNOTATIONS, ds.annotations().size());
        assertEquals(IMAGES, ds.images().size());
        Polygon p = ((Segmentation.Polygons) ds.annotations().get(123).segmentation()).parts().get(0);
        assertTrue(p.isPacked(), "two-decimal polygons are stored as packed hundredths");
        double perAnnotation = (after - before) / (double) ANNOTATIONS;
        System.out.printf("file %d bytes (%.0f per annotation); retained %.0f bytes per annotation%n", size,
                size / (double) ANNOTATIONS, perAnnotation);
        // A JSON tree of this document takes several times the file size; the model stays near it.
        assertTrue(after - before < 1.6 * size, "retained " + (after - before) + " bytes for a " + size + "-byte file");
        assertEquals(ANNOTATIONS, ds.annotations().size()); // keep ds reachable until after the measurement
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            System.gc();
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        return best;
    }
}
