package org.cassl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.apache.spark.api.java.JavaSparkContext;
import org.cassl.training.api.PseudoLabelJob;
import java.util.Map;
import org.cassl.nn.Weights;
import org.cassl.tensor.Tensor;
import org.cassl.training.api.TrainingJob;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code local-cluster[2,1,1024]}: a real master and two worker/executor JVMs (real serialization,
 * broadcast and networking, all on 127.0.0.1), one context for both jobs. Distributed
 * pseudo-labelling writes the same bytes as the one-machine run. Data-parallel training (the barrier
 * stage's tasks in separate processes, the ring over real sockets): 2 replicas x batch 2 end with the
 * weights of one replica x batch 4 (to float tolerance; SparkTrainTest's data, where that equality
 * holds in math), and a run whose second replica's executor JVM halts after step 2 in the first
 * attempt (executor loss, not an exception) is restarted by the driver once the worker has started a
 * new executor, resumes from rank 0's checkpoint and ends bit-identical to the uninterrupted run.
 * Needs SPARK_HOME (set by the pom) whose jars/ is spark/target/lib.
 */
@Timeout(500)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkLocalClusterTest {
    @TempDir
    static Path dir;
    JavaSparkContext sc;

    @BeforeAll
    void start() throws Exception {
        sc = cluster();
    }

    @AfterAll
    void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    /** The test JVM's class path, unpacked from surefire's manifest-only jar when it uses one. */
    static String classPath() throws Exception {
        String cp = System.getProperty("java.class.path");
        String[] parts = cp.split(File.pathSeparator);
        if (parts.length == 1 && parts[0].endsWith(".jar")) {
            try (JarFile jar = new JarFile(parts[0])) {
                String manifest = jar.getManifest().getMainAttributes().getValue("Class-Path");
                if (manifest != null) {
                    StringBuilder sb = new StringBuilder();
                    for (String url : manifest.trim().split("\\s+")) {
                        sb.append(sb.length() == 0 ? "" : File.pathSeparator).append(Path.of(new java.net.URI(url)));
                    }
                    return sb.toString();
                }
            }
        }
        return cp;
    }

    /**
     * A {@code local-cluster[2,1,1024]} context: two executor JVMs with this test JVM's class path
     * and module flags (the test is skipped where SPARK_HOME/jars cannot be set up).
     */
    static JavaSparkContext cluster() throws Exception {
        String home = System.getenv("SPARK_HOME");
        assumeTrue(home != null, "SPARK_HOME is not set (the pom sets it)");
        Path lib = Path.of(home).getParent().resolve("lib");
        assumeTrue(Files.isDirectory(lib) && Files.list(lib).anyMatch(p -> p.toString().contains("spark-core")),
                "no Spark jars in " + lib + " (mvn -pl spark -am verify fills it)");
        Path jars = Path.of(home, "jars");
        if (!Files.exists(jars)) {
            Files.createDirectories(Path.of(home));
            Files.createSymbolicLink(jars, lib.toAbsolutePath());
        }
        String jvm = String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-Dio.netty")).toList());
        return new JavaSparkContext(Fixtures.conf("local-cluster[2,1,1024]")
                .set("spark.executor.extraClassPath", classPath()).set("spark.executor.extraJavaOptions", jvm)
                .set("spark.executor.memory", "1024m")
                // after a lost executor, look for the barrier stage's slots every second, not every 15 s
                .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s"));
    }

    @Test
    @Order(1)
    void twoExecutorJvmsWriteTheOneMachineFile() throws Exception {
        Fixtures.teacher(dir.resolve("teacher"), Fixtures.CONFIG);
        Fixtures.shapes(dir, 4);
        Path ref = dir.resolve("ref.json");
        var o = SparkPseudoLabelTest.OPTS;
        PseudoLabelJob.builder(dir.resolve("teacher/config.json"), dir.resolve("teacher/model.safetensors"), dir.resolve("img"), ref)
                .tau(o.tau()).nmsThreshold(o.nmsThreshold()).maxPerImage(o.maxPerImage()).batchSize(o.batchSize()).build().run();
        Path out = dir.resolve("cluster.json");
        SparkPseudoLabel.run(sc, new SparkPseudoLabel.Spec(dir.resolve("teacher/config.json").toString(),
                dir.resolve("teacher/model.safetensors").toUri().toString(), dir.resolve("img").toString(), out.toString(), o,
                "fail", 4, "cpu", -1));
        assertArrayEquals(Files.readAllBytes(ref), Files.readAllBytes(out));
    }

    @Test
    @Order(2)
    void twoExecutorJvmsTrainLikeOneAndSurviveALostExecutor() throws Exception {
        Path dir = Files.createDirectories(SparkLocalClusterTest.dir.resolve("train"));
        SparkTrainTest.data(dir);
        TrainingJob.builder(dir.resolve("config.json"), dir.resolve("ann.json"), dir.resolve("img"), dir.resolve("one"))
                .batchSize(4).learningRate(0.01).optimizer("sgd").schedule("constant").warmupIterations(0).weightDecay(1e-4)
                .seed(5).workers(1).evalEvery(0).checkpointEvery(1).augment(false).iterations(3).build().run();
        SparkTrain.Result dp = SparkTrain.run(sc, SparkTrainTest.spec(dir, "dp", 2, 2, -1, false));
        // last in this class: the halt costs the context an executor (the worker starts another)
        SparkTrain.Result lost = SparkTrain.run(sc, SparkTrainTest.spec(dir, "lost", 2, 2, 2, true));
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
        String metrics = Files.readString(dir.resolve("lost/metrics.jsonl"));
        assertTrue(metrics.contains("\"iter\":3"), metrics);
        System.out.println("SparkLocalClusterTest: 2x2 on two executor JVMs vs 1x4 max rel diff " + maxDiff + "; dp " + dp.seconds()
                + " s, with a lost executor " + lost.seconds() + " s");
    }
}
