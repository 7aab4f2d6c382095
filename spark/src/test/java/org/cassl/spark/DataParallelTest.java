package org.cassl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.cassl.autograd.Variable;
import org.cassl.nn.Parameter;
import org.cassl.nn.layers.Linear;
import org.cassl.nn.layers.ReLU;
import org.cassl.nn.layers.Sequential;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.training.data.Dataset;
import org.cassl.training.trainer.GradientSync;
import org.cassl.training.trainer.TrainOptions;
import org.cassl.training.trainer.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training through the Trainer hook: 2 replicas x batch b (ring all-reduce over TCP
 * in a barrier stage) end with the same weights as 1 replica x batch 2b, and both replicas end
 * bit-identical.
 */
@Timeout(180)
class DataParallelTest {
    static final int B = 4;
    static final int IN = 6;

    @TempDir
    Path dir;

    static float[] row(int i) {
        java.util.Random r = new java.util.Random(1000 + i);
        float[] x = new float[IN + 1];
        float y = 0;
        for (int k = 0; k < IN; k++) {
            x[k] = (float) r.nextGaussian();
            y += (k + 1) * 0.1f * x[k];
        }
        x[IN] = y;
        return x;
    }

    /** Rows {@code from, from+step, ...} of the 2b-row data set. */
    static Dataset<float[]> shard(int from, int step) {
        return new Dataset<>() {
            @Override
            public int size() {
                return 2 * B / step;
            }

            @Override
            public float[] get(int index, Generator rng) {
                return row(from + index * step);
            }
        };
    }

    /** Trains the small MLP on one replica; its final parameters, concatenated. */
    static float[] train(Dataset<float[]> data, int batch, Path runDir, GradientSync sync) {
        Sequential model = new Sequential(new Linear(IN, 16, true, new Generator(3)), new ReLU(), new Linear(16, 1, true,
                new Generator(4)));
        TrainOptions o = new TrainOptions(6, batch, 0.05, 0.9, 1e-4, "sgd", 0, 1.0, "constant", 0, 11, 0, 1, 1, 100, 1, 0);
        Trainer<float[]> t = new Trainer<>("dp", model, data, (rows, rng) -> {
            float[] x = new float[rows.size() * IN];
            float[] y = new float[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                System.arraycopy(rows.get(i), 0, x, i * IN, IN);
                y[i] = rows.get(i)[IN];
            }
            Variable pred = model.forward(Variable.of(Tensor.of(x, rows.size(), IN)));
            Variable err = pred.sub(Variable.of(Tensor.of(y, rows.size(), 1)));
            return Map.of("mse", err.square().mean());
        }, o, runDir, "dp-test");
        t.gradientSync(sync, null);
        t.run(false);
        List<Float> all = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            for (float v : p.data().toFloatArray()) {
                all.add(v);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    static String encode(float[] a) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * a.length);
        b.asFloatBuffer().put(a);
        return Base64.getEncoder().encodeToString(b.array());
    }

    static float[] decode(String s) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Base64.getDecoder().decode(s));
        float[] a = new float[b.capacity() / 4];
        b.asFloatBuffer().get(a);
        return a;
    }

    @Test
    void twoReplicasOfBatchBEqualOneReplicaOfBatch2B() throws Exception {
        float[] single = train(shard(0, 1), 2 * B, Files.createDirectories(dir.resolve("single")), GradientSync.NONE);
        String base = dir.toString();
        JavaSparkContext sc = Fixtures.local("local[2]");
        List<String> results;
        try {
            results = DataParallel.run(sc, 2, (rank, world, sync, ring) -> {
                Path d = Files.createDirectories(Path.of(base, "rank" + rank));
                return encode(train(shard(rank, world), B, d, sync));
            });
        } finally {
            sc.stop();
        }
        assertEquals(2, results.size());
        assertEquals(results.get(0), results.get(1), "both replicas end bit-identical");
        float[] dp = decode(results.get(0));
        assertEquals(single.length, dp.length);
        double maxDiff = 0;
        for (int i = 0; i < dp.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(dp[i] - single[i]));
        }
        assertTrue(maxDiff < 1e-5, "max |difference| " + maxDiff);
        boolean moved = false;
        float[] init = train(shard(0, 1), 2 * B, Files.createDirectories(dir.resolve("one")), params -> {
            params.forEach(Parameter::zeroGrad);
        });
        for (int i = 0; i < dp.length; i++) {
            moved |= Math.abs(dp[i] - init[i]) > 1e-3;
        }
        assertTrue(moved, "the weights moved");
        assertTrue(Files.exists(dir.resolve("rank0/metrics.jsonl")));
    }

    @Test
    void ringSumsOverThreePeers() throws Exception {
        JavaSparkContext sc = Fixtures.local("local[3]");
        try {
            List<String> r = DataParallel.run(sc, 3, (rank, world, sync, ring) -> {
                float[] a = new float[10];
                for (int i = 0; i < a.length; i++) {
                    a[i] = rank * 100 + i;
                }
                ring.sum(a);
                return encode(a);
            });
            float[] expect = new float[10];
            for (int i = 0; i < 10; i++) {
                expect[i] = 300 + 3 * i;
            }
            for (String s : r) {
                assertArrayEquals(expect, decode(s));
            }
        } finally {
            sc.stop();
        }
    }
}
