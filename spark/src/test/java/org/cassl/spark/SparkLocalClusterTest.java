package org.cassl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.apache.spark.api.java.JavaSparkContext;
import org.cassl.training.api.PseudoLabelJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code local-cluster[2,1,1024]}: a real master and two worker/executor JVMs (real serialization,
 * broadcast and networking, all on 127.0.0.1); distributed pseudo-labelling writes the same bytes as
 * the one-machine run. Needs SPARK_HOME (set by the pom) whose jars/ is spark/target/lib.
 */
@Timeout(300)
class SparkLocalClusterTest {
    @TempDir
    Path dir;

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
                .set("spark.executor.memory", "1024m"));
    }

    @Test
    void twoExecutorJvmsWriteTheOneMachineFile() throws Exception {
        Fixtures.teacher(dir.resolve("teacher"), Fixtures.CONFIG);
        Fixtures.shapes(dir, 4);
        Path ref = dir.resolve("ref.json");
        var o = SparkPseudoLabelTest.OPTS;
        PseudoLabelJob.builder(dir.resolve("teacher/config.json"), dir.resolve("teacher/model.safetensors"), dir.resolve("img"), ref)
                .tau(o.tau()).nmsThreshold(o.nmsThreshold()).maxPerImage(o.maxPerImage()).batchSize(o.batchSize()).build().run();
        JavaSparkContext sc = cluster();
        try {
            Path out = dir.resolve("cluster.json");
            SparkPseudoLabel.run(sc, new SparkPseudoLabel.Spec(dir.resolve("teacher/config.json").toString(),
                    dir.resolve("teacher/model.safetensors").toUri().toString(), dir.resolve("img").toString(), out.toString(), o,
                    "fail", 4, "cpu", -1));
            assertArrayEquals(Files.readAllBytes(ref), Files.readAllBytes(out));
        } finally {
            sc.stop();
        }
    }
}
