package org.cassl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.cassl.nn.Weights;
import org.cassl.tensor.Tensor;
import org.cassl.training.api.TrainingJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training across two executor JVMs ({@code local-cluster[2,1,1024]}: the barrier
 * stage's tasks in separate processes, the ring over real sockets, the stage's closure serialized):
 * 2 replicas x batch 2 end with the weights of one replica x batch 4 (to float tolerance; the data
 * of SparkTrainTest, where that equality holds in math), and a run whose second replica's executor
 * JVM halts after step 2 in the first attempt (executor loss, not an exception) is restarted by the
 * driver once the worker has started a new executor, resumes from rank 0's checkpoint and ends
 * bit-identical to the uninterrupted run.
 */
@Timeout(400)
class SparkClusterTrainTest {
    @TempDir
    Path dir;

    @Test
    void twoExecutorJvmsTrainLikeOneAndSurviveALostExecutor() throws Exception {
        SparkTrainTest.data(dir);
        TrainingJob.builder(dir.resolve("config.json"), dir.resolve("ann.json"), dir.resolve("img"), dir.resolve("one"))
                .batchSize(4).learningRate(0.01).optimizer("sgd").schedule("constant").warmupIterations(0).weightDecay(1e-4)
                .seed(5).workers(1).evalEvery(0).checkpointEvery(1).augment(false).iterations(3).build().run();
        JavaSparkContext sc = SparkLocalClusterTest.cluster();
        SparkTrain.Result dp;
        SparkTrain.Result lost;
        Set<String> executorsBefore = new HashSet<>();
        try {
            dp = SparkTrain.run(sc, SparkTrainTest.spec(dir, "dp", 2, 2, -1, false));
            for (org.apache.spark.SparkExecutorInfo e : sc.sc().statusTracker().getExecutorInfos()) {
                executorsBefore.add(e.host() + ":" + e.port());
            }
            lost = SparkTrain.run(sc, SparkTrainTest.spec(dir, "lost", 2, 2, 2, true));
        } finally {
            sc.stop();
        }
        assertTrue(dp.message().contains("completed 3"), dp.message());
        assertTrue(lost.message().contains("completed 3"), lost.message());
        assertTrue(dp.bytesSent() > 0);
        Map<String, Tensor> ref = Weights.load(dir.resolve("one/model.safetensors"));
        Map<String, Tensor> a = Weights.load(dir.resolve("dp/model.safetensors"));
        Map<String, Tensor> b = Weights.load(dir.resolve("lost/model.safetensors"));
        assertEquals(ref.keySet(), a.keySet());
        double maxDiff = 0;
        int moved = 0;
        for (String k : ref.keySet()) {
            float[] r = ref.get(k).toFloatArray();
            float[] x = a.get(k).toFloatArray();
            float[] y = b.get(k).toFloatArray();
            for (int i = 0; i < r.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(r[i] - x[i]) / Math.max(1, Math.abs(r[i])));
                assertEquals(Float.floatToIntBits(x[i]), Float.floatToIntBits(y[i]), k + "[" + i + "]: the resumed run differs");
            }
            moved += ref.get(k).equals(a.get(k)) ? 0 : 1;
        }
        assertTrue(maxDiff < 1e-4, "2 x 2 on two JVMs vs 1 x 4: max |difference| / max(1, |w|) " + maxDiff);
        assertNotEquals(0, moved);
        // the lost replica's first attempt reached iteration 2 and was restarted: rank 1's metrics were written twice over
        String metrics = Files.readString(dir.resolve("lost/metrics.jsonl"));
        assertTrue(metrics.contains("\"iter\":3"), metrics);
        System.out.println("SparkClusterTrainTest: 2x2 on two executor JVMs vs 1x4 max rel diff " + maxDiff + "; dp " + dp.seconds()
                + " s, with a lost executor " + lost.seconds() + " s; executors before " + executorsBefore);
    }
}
