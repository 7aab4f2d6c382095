package org.cassl.spark;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.Generator;

/** A tiny random teacher, a few generated shape images, and loopback-only Spark contexts. */
final class Fixtures {
    static final String CONFIG = "{\"backbone\": \"resnet18\", \"fpn_channels\": 32, \"num_classes\": 4,"
            + " \"min_size\": 64, \"max_size\": 64, \"score_thresh\": 0.05, \"frozen_bn\": true}";

    private Fixtures() {
    }

    /** config.json and model.safetensors of a random tiny FCOS under {@code dir}. */
    static void teacher(Path dir, String json) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), json);
        new Fcos(FcosConfig.parse(json), new Generator(7)).saveWeights(dir.resolve("model.safetensors"));
    }

    /** {@code n} PNGs (two sizes, so batches pad) in {@code dir}/img, plus a list file naming them. */
    static List<String> shapes(Path dir, int n) throws Exception {
        Path img = Files.createDirectories(dir.resolve("img"));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int w = i % 3 == 0 ? 80 : 64;
            BufferedImage im = new BufferedImage(w, 64, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = im.createGraphics();
            g.setColor(new Color(30 + 20 * i % 200, 90, 160));
            g.fillRect(0, 0, w, 64);
            java.util.Random r = new java.util.Random(i);
            for (int k = 0; k < 3; k++) {
                g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
                int x = r.nextInt(w / 2);
                int y = r.nextInt(32);
                if (k % 2 == 0) {
                    g.fillRect(x, y, 10 + r.nextInt(20), 10 + r.nextInt(20));
                } else {
                    g.fillOval(x, y, 10 + r.nextInt(20), 10 + r.nextInt(20));
                }
            }
            g.dispose();
            String name = String.format("img/s%02d.png", i);
            ImageIO.write(im, "png", dir.resolve(name).toFile());
            names.add(name);
        }
        return names;
    }

    static SparkConf conf(String master) {
        return new SparkConf().setMaster(master).setAppName("cassl-test")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
                .set("spark.sql.shuffle.partitions", "2");
    }

    static JavaSparkContext local(String master) {
        return new JavaSparkContext(conf(master));
    }
}
