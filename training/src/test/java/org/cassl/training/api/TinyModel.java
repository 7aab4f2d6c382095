package org.cassl.training.api;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.Generator;

/** A small randomly initialised detector (resnet18, FPN 32, 64-pixel inputs) written to a folder, and test images. */
final class TinyModel {
    static final String CONFIG = "{\"backbone\": \"resnet18\", \"fpn_channels\": 32, \"num_classes\": 7,"
            + " \"min_size\": 64, \"max_size\": 64, \"score_thresh\": 0.001, \"frozen_bn\": true}";

    final Path config;
    final Path weights;

    private TinyModel(Path config, Path weights) {
        this.config = config;
        this.weights = weights;
    }

    static TinyModel write(Path dir, long seed) throws Exception {
        return write(dir, seed, CONFIG);
    }

    /** The tiny model with a segmentation head ({@code condinst} or {@code roi}). */
    static TinyModel withMaskHead(Path dir, long seed, String maskHead) throws Exception {
        return write(dir, seed, CONFIG.replace("}", ", \"mask_head\": \"" + maskHead + "\"}"));
    }

    private static TinyModel write(Path dir, long seed, String json) throws Exception {
        Files.createDirectories(dir);
        Path config = dir.resolve("config.json");
        Files.writeString(config, json);
        Fcos m = new Fcos(FcosConfig.parse(json), new Generator(seed));
        Path weights = dir.resolve("model.safetensors");
        m.saveWeights(weights);
        return new TinyModel(config, weights);
    }

    /** A deterministic picture: a background gradient and a few coloured rectangles. */
    static BufferedImage image(int seed, int width, int height) {
        BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = im.createGraphics();
        for (int y = 0; y < height; y++) {
            g.setColor(new Color((y * 255 / height + seed * 40) % 256, 90, (seed * 70) % 256));
            g.drawLine(0, y, width, y);
        }
        java.util.Random r = new java.util.Random(seed);
        for (int k = 0; k < 3; k++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            int w = 8 + r.nextInt(width / 2);
            int h = 8 + r.nextInt(height / 2);
            g.fillRect(r.nextInt(width - w), r.nextInt(height - h), w, h);
        }
        g.dispose();
        return im;
    }

    private TinyModel() {
        this(null, null);
    }
}
