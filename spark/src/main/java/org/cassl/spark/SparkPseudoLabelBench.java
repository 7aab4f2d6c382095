package org.cassl.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.cassl.tensor.Backends;
import org.cassl.training.UserInputException;
import org.cassl.training.api.PseudoLabelJob;
import org.cassl.training.data.Images;
import org.cassl.training.pipeline.PseudoLabelOptions;

/**
 * {@code cassl bench spark-pseudo-label}: the same N images labelled three times with the same
 * teacher, (1) by the one-machine {@code cassl pseudo-label} on one CPU thread, (2) by Spark with one
 * executor JVM of one core ({@code local-cluster[1,1,M]}) and (3) with two ({@code local-cluster[2,1,M]});
 * each executor computes on one thread ({@code -Dcassl.threads=1}). Reports images/s of each, the
 * scaling efficiency rate(2) / (2 x rate(1)), Spark's overhead time(1 executor) / time(one machine) - 1,
 * and whether the outputs are identical. Context start-up is timed apart (it is paid once per
 * application, not per image). Needs {@code SPARK_HOME} whose {@code jars/} holds Spark's jars
 * ({@code ./cassl} sets it to spark/target/spark-home), like any standalone worker.
 */
public final class SparkPseudoLabelBench {
    private SparkPseudoLabelBench() {
    }

    /**
     * What to measure.
     *
     * @param config     teacher config
     * @param weights    teacher weights
     * @param imageDir   folder with at least {@code images} images (the first N in sorted order are used)
     * @param images     how many images
     * @param options    pseudo-labelling options
     * @param executorMb memory per executor
     * @param work       scratch folder (list file and outputs)
     */
    public record Spec(Path config, Path weights, Path imageDir, int images, PseudoLabelOptions options, int executorMb,
                       Path work) {
    }

    /** One configuration's timing. */
    public record Run(String what, double seconds, double imagesPerSecond, double startSeconds, String loadBefore,
                      String loadAfter, boolean identical) {
    }

    /** The whole measurement. */
    public record Report(String cpu, int images, int boxes, List<Run> runs, double efficiency, double overhead) {
        /** Human-readable lines. */
        public String text() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "spark-pseudo-label: %d images, %d boxes, CPU %s%n",
                    images, boxes, cpu));
            for (Run r : runs) {
                sb.append(String.format(Locale.ROOT, "  %-34s %8.1f s  %7.2f images/s  (context start %.1f s; load %s -> %s)%s%n",
                        r.what(), r.seconds(), r.imagesPerSecond(), r.startSeconds(), r.loadBefore(), r.loadAfter(),
                        r.identical() ? "" : "  OUTPUT DIFFERS"));
            }
            sb.append(String.format(Locale.ROOT, "  scaling efficiency 1 -> 2 executors: %.3f (aim >= 0.9)%n", efficiency));
            sb.append(String.format(Locale.ROOT, "  Spark overhead (1 executor vs one machine, 1 thread each): %+.1f%% (aim < 10%%)%n",
                    100 * overhead));
            return sb.toString();
        }

        /** One JSON line. */
        public String json() {
            String rs = runs.stream().map(r -> String.format(Locale.ROOT, "{\"what\":\"%s\",\"seconds\":%.3f,\"images_per_s\":%.3f,"
                    + "\"context_start_s\":%.3f,\"load_before\":\"%s\",\"load_after\":\"%s\",\"identical\":%b}", r.what(), r.seconds(),
                    r.imagesPerSecond(), r.startSeconds(), r.loadBefore(), r.loadAfter(), r.identical()))
                    .collect(Collectors.joining(","));
            return String.format(Locale.ROOT, "{\"bench\":\"spark-pseudo-label\",\"cpu\":\"%s\",\"images\":%d,\"boxes\":%d,\"runs\":[%s],"
                    + "\"scaling_efficiency\":%.4f,\"spark_overhead\":%.4f}", cpu, images, boxes, rs, efficiency, overhead);
        }
    }

    /** Runs the three configurations in this order: one machine, one executor, two executors. */
    public static Report run(Spec spec) {
        String home = System.getenv("SPARK_HOME");
        if (home == null || !Files.isDirectory(Path.of(home, "jars"))) {
            throw new UserInputException("SPARK_HOME must name a folder whose jars/ holds Spark's jars (./cassl sets it to "
                    + "spark/target/spark-home after `mvn -pl spark -am package`)");
        }
        if (spec.images() < 1) {
            throw new UserInputException("--images must be at least 1, got " + spec.images());
        }
        List<String> names = names(spec.imageDir(), spec.images());
        Path list;
        try {
            Files.createDirectories(spec.work());
            list = spec.imageDir().resolve(".cassl-bench-" + spec.images() + ".txt");
            Files.write(list, names);
        } catch (IOException e) {
            throw new UserInputException("cannot write the image list into " + spec.imageDir() + ": " + e.getMessage());
        }
        PseudoLabelOptions o = spec.options();
        List<Run> runs = new ArrayList<>();
        Path one = spec.work().resolve("one-machine.json");
        deleteQuietly(one);
        String l0 = load();
        Backends.setCpuThreads(1);
        long t0 = System.nanoTime();
        PseudoLabelJob.builder(spec.config(), spec.weights(), list, one).tau(o.tau()).nmsThreshold(o.nmsThreshold())
                .maxPerImage(o.maxPerImage()).batchSize(o.batchSize()).build().run();
        double oneSecs = (System.nanoTime() - t0) / 1e9;
        runs.add(new Run("cassl pseudo-label (1 thread)", oneSecs, names.size() / oneSecs, 0, l0, load(), true));
        byte[] reference = read(one);
        for (int executors = 1; executors <= 2; executors++) {
            Path out = spec.work().resolve("spark-" + executors + ".json");
            deleteQuietly(out);
            String lb = load();
            long s0 = System.nanoTime();
            JavaSparkContext sc = new JavaSparkContext(conf(executors, spec.executorMb()));
            try {
                sc.setLogLevel("WARN");
                awaitExecutors(sc, executors, 120_000);
                double start = (System.nanoTime() - s0) / 1e9;
                long r0 = System.nanoTime();
                SparkPseudoLabel.run(sc, new SparkPseudoLabel.Spec(spec.config().toString(), spec.weights().toString(),
                        list.toString(), out.toString(), o, "fail", 0, "cpu", -1));
                double secs = (System.nanoTime() - r0) / 1e9;
                runs.add(new Run("spark local-cluster[" + executors + ",1," + spec.executorMb() + "]", secs, names.size() / secs,
                        start, lb, load(), Arrays.equals(reference, read(out))));
            } finally {
                sc.stop();
            }
        }
        int boxes = countBoxes(reference);
        double eff = runs.get(2).imagesPerSecond() / (2 * runs.get(1).imagesPerSecond());
        double overhead = runs.get(1).seconds() / runs.get(0).seconds() - 1;
        deleteQuietly(list);
        return new Report(cpuModel(), names.size(), boxes, runs, eff, overhead);
    }

    private static SparkConf conf(int executors, int mb) {
        String jvm = SparkRunner.executorJvmOptions();
        return new SparkConf().setMaster("local-cluster[" + executors + ",1," + mb + "]").setAppName("cassl bench spark-pseudo-label")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
                .set("spark.executor.memory", mb + "m").set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .set("spark.executor.extraJavaOptions", jvm + " -Dcassl.threads=1");
    }

    private static void awaitExecutors(JavaSparkContext sc, int n, long timeoutMillis) {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (sc.sc().statusTracker().getExecutorInfos().length < n + 1) { // the driver is listed too
            if (System.currentTimeMillis() > end) {
                throw new IllegalStateException(n + " executor(s) did not register within " + timeoutMillis / 1000 + " s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    static List<String> names(Path dir, int n) {
        if (!Files.isDirectory(dir)) {
            throw new UserInputException("image folder not found: " + dir);
        }
        List<String> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = s.filter(Files::isRegularFile).filter(Images::hasImageExtension).map(p -> dir.relativize(p).toString())
                    .sorted().limit(n).toList();
        } catch (IOException e) {
            throw new UserInputException("cannot list " + dir + ": " + e.getMessage());
        }
        if (all.size() < n) {
            throw new UserInputException(dir + " holds " + all.size() + " images, fewer than --images " + n
                    + " (make more with ./cassl generate-shapes)");
        }
        return all;
    }

    private static int countBoxes(byte[] coco) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(coco).path("annotations").size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a later write fails with a clear message
        }
    }

    /** The 1-minute load average (from /proc/loadavg), or "?". */
    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** lscpu's model name (from /proc/cpuinfo), or the OS architecture. */
    static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst()
                    .orElse(System.getProperty("os.arch"));
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }
}
