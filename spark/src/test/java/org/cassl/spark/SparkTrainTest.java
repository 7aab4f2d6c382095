package org.cassl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.JavaSparkContext;
import org.cassl.nn.Weights;
import org.cassl.tensor.Tensor;
import org.cassl.training.api.TrainingJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cassl spark train} on a tiny FCOS (frozen BN) and 4 generated images, 3 steps: 2 replicas x
 * batch 2 end with the weights of 1 replica x batch 4 (to float tolerance), and a run whose second
 * replica fails after step 2 in the stage's first attempt is started again by the driver, resumes from rank 0's
 * checkpoint and ends bit-identical to the uninterrupted 2-replica run.
 *
 * <p>Every image has the same boxes (only the colours differ) and augmentation is off, so each
 * replica's slice has the same number of FCOS foreground points: the loss normaliser (foreground
 * points of the local batch, as in torchvision) is then the same on a replica as on the global
 * batch, and the averaged gradient equals the global one.
 */
@Timeout(400)
class SparkTrainTest {
    static final String CONFIG = "{\"backbone\": \"resnet18\", \"fpn_channels\": 32, \"num_classes\": 3,"
            + " \"min_size\": 64, \"max_size\": 64, \"frozen_bn\": true}";

    @TempDir
    Path dir;

    void data() throws Exception {
        data(dir);
    }

    /** config.json, ann.json and img/ (4 images, the same two boxes on each) under {@code dir}. */
    static void data(Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), CONFIG);
        Path img = Files.createDirectories(dir.resolve("img"));
        StringBuilder images = new StringBuilder();
        StringBuilder anns = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            BufferedImage im = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = im.createGraphics();
            g.setColor(new Color(40 * i, 80, 200 - 30 * i));
            g.fillRect(0, 0, 64, 64);
            g.setColor(new Color(250 - 50 * i, 30 * i, 60));
            g.fillRect(8, 10, 24, 20);
            g.setColor(new Color(20, 200 - 40 * i, 40 * i));
            g.fillOval(36, 30, 20, 26);
            g.dispose();
            ImageIO.write(im, "png", img.resolve("t" + i + ".png").toFile());
            images.append(i == 0 ? "" : ",").append("{\"id\":").append(i + 1).append(",\"file_name\":\"t").append(i)
                    .append(".png\",\"width\":64,\"height\":64}");
            anns.append(i == 0 ? "" : ",").append("{\"id\":").append(2 * i + 1).append(",\"image_id\":").append(i + 1)
                    .append(",\"category_id\":1,\"bbox\":[8,10,24,20],\"area\":480,\"iscrowd\":0},{\"id\":").append(2 * i + 2)
                    .append(",\"image_id\":").append(i + 1)
                    .append(",\"category_id\":2,\"bbox\":[36,30,20,26],\"area\":520,\"iscrowd\":0}");
        }
        Files.writeString(dir.resolve("ann.json"), "{\"images\":[" + images + "],\"annotations\":[" + anns
                + "],\"categories\":[{\"id\":1,\"name\":\"box\"},{\"id\":2,\"name\":\"disc\"}]}");
    }

    SparkTrain.Spec spec(String out, int replicas, int batch, int failAt) {
        return spec(dir, out, replicas, batch, failAt, false);
    }

    /** 3 steps of constant lr 0.01, seed 5, no augmentation, a checkpoint every step. */
    static SparkTrain.Spec spec(Path dir, String out, int replicas, int batch, int failAt, boolean halt) {
        return new SparkTrain.Spec(dir.resolve("config.json").toString(), dir.resolve("ann.json").toString(),
                dir.resolve("img").toString(), dir.resolve(out).toString(), null, null, null, false, null, false, 3L, null, batch,
                0.01, "sgd", "constant", 0, 1e-4, 0.0, 5, 1, 0, 1, "none", false, replicas, 1, "auto", failAt, halt);
    }

    @Test
    void twoReplicasEqualOneDoubleBatchAndAFailedStageResumes() throws Exception {
        data();
        SparkTrain.Spec one = spec("one", 1, 4, -1);
        // the single-replica reference: the same job, no Spark
        TrainingJob.builder(dir.resolve("config.json"), dir.resolve("ann.json"), dir.resolve("img"), dir.resolve("one"))
                .batchSize(4).learningRate(one.lr()).optimizer("sgd").schedule("constant").warmupIterations(0)
                .weightDecay(one.weightDecay()).seed(one.seed()).workers(1).evalEvery(0).checkpointEvery(1).augment(false)
                .iterations(3).build().run();
        JavaSparkContext sc = Fixtures.local("local[2]");
        SparkTrain.Result dp;
        SparkTrain.Result failed;
        try {
            dp = SparkTrain.run(sc, spec("dp", 2, 2, -1));
            failed = SparkTrain.run(sc, spec("failed", 2, 2, 2));
        } finally {
            sc.stop();
        }
        assertTrue(dp.message().contains("completed 3"), dp.message());
        assertTrue(dp.bytesSent() > 0);
        Map<String, Tensor> ref = Weights.load(dir.resolve("one/model.safetensors"));
        Map<String, Tensor> a = Weights.load(dir.resolve("dp/model.safetensors"));
        Map<String, Tensor> b = Weights.load(dir.resolve("failed/model.safetensors"));
        Map<String, Tensor> init = new org.cassl.detection.fcos.Fcos(org.cassl.detection.FcosConfig.parse(CONFIG),
                new org.cassl.tensor.Generator(one.seed())).stateDict();
        assertEquals(ref.keySet(), a.keySet());
        double maxDiff = 0;
        double maxMove = 0;
        for (String k : ref.keySet()) {
            float[] r = ref.get(k).toFloatArray();
            float[] x = a.get(k).toFloatArray();
            float[] y = b.get(k).toFloatArray();
            float[] z = init.get(k).toFloatArray();
            for (int i = 0; i < r.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(r[i] - x[i]) / Math.max(1, Math.abs(r[i])));
                maxMove = Math.max(maxMove, Math.abs(r[i] - z[i]));
                assertEquals(Float.floatToIntBits(x[i]), Float.floatToIntBits(y[i]), k + "[" + i + "]: the resumed run differs");
            }
        }
        assertTrue(maxMove > 1e-4, "the weights moved: " + maxMove);
        assertTrue(maxDiff < 1e-4, "2 x 2 vs 1 x 4: max |difference| / max(1, |w|) " + maxDiff);
        System.out.println("SparkTrainTest: 2x2 vs 1x4 max rel diff " + maxDiff + ", max move " + maxMove + ", dp " + dp.seconds()
                + " s, failed+retried " + failed.seconds() + " s");
        // rank 0 owns the run folder; the retried stage resumed from a checkpoint, the replica kept only metrics
        assertTrue(Files.isRegularFile(dir.resolve("failed/eval.json")));
        assertTrue(Files.isRegularFile(dir.resolve("dp/replicas/rank-1/metrics.jsonl")));
        assertFalse(Files.exists(dir.resolve("dp/replicas/rank-1/model.safetensors")));
        String metrics = Files.readString(dir.resolve("failed/metrics.jsonl"));
        assertTrue(metrics.contains("\"iter\":3"), metrics);
    }
}
