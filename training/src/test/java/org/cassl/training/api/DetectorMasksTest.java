package org.cassl.training.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cassl.detection.Detections;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.Fcos;
import org.cassl.training.data.Images;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A Detector over a model with a mask head returns each detection's mask, the same from every thread. */
class DetectorMasksTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"condinst", "roi"})
    void masksAreTheModelsThresholdedAndThreadSafe(String maskHead) throws Exception {
        TinyModel tiny = TinyModel.withMaskHead(dir.resolve(maskHead), 5, maskHead);
        BufferedImage image = TinyModel.image(3, 80, 48);
        Fcos reference = Fcos.forLoading(FcosConfig.parse(java.nio.file.Files.readString(tiny.config)));
        reference.loadWeights(tiny.weights);
        reference.eval();
        Detections raw = reference.detect(List.of(Images.fromBufferedImage(image).toTensor())).get(0);
        float[] probs = raw.masks().toFloatArray();
        try (Detector detector = Detector.load(tiny.config, tiny.weights)) {
            List<Detection> d = detector.detect(image);
            assertFalse(d.isEmpty(), "threshold 0.001 keeps detections");
            assertEquals(raw.size(), d.size());
            for (int i = 0; i < d.size(); i++) {
                Mask m = d.get(i).mask();
                assertTrue(d.get(i).hasMask());
                assertEquals(80, m.width());
                assertEquals(48, m.height());
                for (int y = 0; y < 48; y += 3) {
                    for (int x = 0; x < 80; x += 3) {
                        assertEquals(probs[(i * 48 + y) * 80 + x] >= 0.5f, m.get(x, y), "detection " + i + " at " + x + "," + y);
                    }
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<Detection>>> fs = new ArrayList<>();
                for (int k = 0; k < 8; k++) {
                    fs.add(pool.submit(() -> detector.detect(image)));
                }
                for (Future<List<Detection>> f : fs) {
                    assertEquals(d, f.get(), "concurrent calls give the sequential masks");
                }
            } finally {
                pool.shutdown();
            }
        }
    }
}
