package org.cassl.training.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;
import org.cassl.training.data.Images;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectorTest {
    @TempDir
    static Path dir;
    static TinyModel tiny;
    static Detector detector;
    static List<BufferedImage> images = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        tiny = TinyModel.write(dir.resolve("model"), 7);
        detector = Detector.load(tiny.config, tiny.weights);
        int[][] sizes = {{64, 64}, {80, 48}, {48, 72}, {96, 64}};
        for (int i = 0; i < sizes.length; i++) {
            images.add(TinyModel.image(i, sizes[i][0], sizes[i][1]));
        }
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    @Test
    void detectionsHaveBoxesInTheImageScoresAndLabels() {
        List<Detection> d = detector.detect(images.get(1));
        assertFalse(d.isEmpty(), "a random model with threshold 0.001 finds something");
        for (int i = 0; i < d.size(); i++) {
            Detection x = d.get(i);
            assertTrue(x.box().x1() >= 0 && x.box().x2() <= 80 && x.box().y1() >= 0 && x.box().y2() <= 48, x.toString());
            assertTrue(x.label() >= 0 && x.label() < detector.numClasses());
            assertTrue(x.score() >= 0.001f && x.score() <= 1);
            assertTrue(i == 0 || d.get(i - 1).score() >= x.score(), "sorted by score");
            assertFalse(x.hasMask());
        }
    }

    @Test
    void imagesFilesTensorsAndBatchesAgree() throws Exception {
        Path file = dir.resolve("a.png");
        ImageIO.write(images.get(2), "png", file.toFile());
        List<Detection> fromImage = detector.detect(images.get(2));
        assertEquals(fromImage, detector.detect(file));
        assertEquals(fromImage, detector.detect(Images.fromBufferedImage(images.get(2)).toTensor()));
        List<Object> mixed = new ArrayList<>(images);
        mixed.add(file);
        List<List<Detection>> all = detector.detectAll(mixed);
        assertEquals(5, all.size());
        for (int i = 0; i < images.size(); i++) {
            assertEquals(detector.detect(images.get(i)), all.get(i), "image " + i);
        }
        assertEquals(fromImage, all.get(4));
    }

    @Test
    void concurrentCallsGiveTheSequentialResults() throws Exception {
        List<List<Detection>> expected = new ArrayList<>();
        for (BufferedImage im : images) {
            expected.add(detector.detect(im));
        }
        int threads = 8;
        int calls = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                fs.add(pool.submit(() -> {
                    for (int c = 0; c < calls; c++) {
                        int k = (offset + c) % images.size();
                        List<Detection> got = detector.detect(images.get(k));
                        if (!got.equals(expected.get(k))) {
                            throw new AssertionError("thread " + offset + " call " + c + " image " + k + " differs");
                        }
                    }
                    return calls;
                }));
            }
            int total = 0;
            for (Future<Integer> f : fs) {
                total += f.get();
            }
            assertEquals(threads * calls, total);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void badInputIsRejectedWithClearMessages() {
        assertThrows(NullPointerException.class, () -> detector.detect((BufferedImage) null));
        assertThrows(NullPointerException.class, () -> detector.detect((Path) null));
        assertThrows(NullPointerException.class, () -> detector.detect((Tensor) null));
        assertThrows(NullPointerException.class, () -> detector.detectAll(null));
        List<Object> withNull = new ArrayList<>();
        withNull.add(images.get(0));
        withNull.add(null);
        assertThrows(NullPointerException.class, () -> detector.detectAll(withNull));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> detector.detect(Tensor.zeros(DType.F32, 4, 32, 32)));
        assertTrue(e.getMessage().contains("[3, H, W]") && e.getMessage().contains("4 channels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> detector.detect(Tensor.zeros(DType.F32, 3, 0, 32)));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> detector.detect(Tensor.zeros(DType.F32, 32, 32)));
        assertThrows(IllegalArgumentException.class, () -> detector.detect(Tensor.zeros(DType.I64, 3, 8, 8)));
        assertThrows(IllegalArgumentException.class, () -> detector.detectAll(List.of("not an image")));
        ImageException ie = assertThrows(ImageException.class, () -> detector.detect(dir.resolve("missing.png")));
        assertTrue(ie.getMessage().contains("missing.png"), ie.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Detector.builder(tiny.config, tiny.weights).batchSize(0));
        assertThrows(IllegalArgumentException.class, () -> Detector.builder(tiny.config, tiny.weights).scoreThreshold(2));
        assertThrows(NullPointerException.class, () -> Detector.load(null, tiny.weights));
        ModelLoadException me = assertThrows(ModelLoadException.class,
                () -> Detector.load(tiny.config, dir.resolve("nope.safetensors")));
        assertTrue(me.getMessage().contains("nope.safetensors"), me.getMessage());
        assertThrows(ModelLoadException.class, () -> Detector.builder(tiny.config, tiny.weights).device("tpu").build());
    }

    @Test
    void aClosedDetectorRefusesCalls() throws Exception {
        Detector d = Detector.builder(tiny.config, tiny.weights).scoreThreshold(0.5).batchSize(2).build();
        assertEquals(0.5, d.scoreThreshold(), 1e-12);
        assertEquals(2, d.batchSize());
        assertEquals("cpu", d.device());
        d.close();
        assertTrue(d.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.detect(images.get(0)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> d.detectAll(List.of(images.get(0))));
        d.close();
    }

    @Test
    void masksAreThresholdedAndEncoded() {
        Mask m = Mask.of(3, 2, new boolean[] {true, false, false, true, true, false});
        assertEquals(3, m.area());
        assertTrue(m.get(0, 1));
        assertFalse(m.get(2, 1));
        assertEquals(m, Mask.fromProbabilities(new float[] {0.9f, 0.1f, 0.49f, 0.5f, 1f, 0f}, 0, 3, 2));
        assertFalse(m.toCocoRle().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Mask.of(2, 2, new boolean[3]));
        assertTrue(Files.exists(tiny.weights));
    }
}
