package org.cassl.spark;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.cassl.training.UserInputException;

/** Starts a Spark context for the command line: embedded {@code local[*]} unless a master is given or set by spark-submit. */
public final class SparkRunner {
    private SparkRunner() {
    }

    /** Whether Spark's classes are on the class path. */
    public static boolean sparkPresent() {
        try {
            Class.forName("org.apache.spark.SparkConf", false, SparkRunner.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Where to get Spark when it is missing. */
    public static final String HOW_TO_GET_SPARK = "Spark is not on the class path: build spark/target/lib once with "
            + "`mvn -q -B -pl spark -am package -DskipTests` (./cassl then adds it), or run target/cassl-spark.jar with spark-submit";

    public static JavaSparkContext start(String master, Map<String, String> extra, String appName) {
        if (!sparkPresent()) {
            throw new UserInputException(HOW_TO_GET_SPARK);
        }
        SparkConf conf = new SparkConf().setAppName(appName);
        if (master != null) {
            conf.setMaster(master);
        } else {
            conf.setIfMissing("spark.master", "local[*]");
        }
        if (conf.get("spark.master").startsWith("local")) {
            // embedded: keep everything on loopback and the UI off unless asked for
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        extra.forEach(conf::set);
        if (conf.get("spark.master").startsWith("local-cluster")) {
            // executors are JVMs started by the embedded workers: give them this JVM's class path and flags
            conf.setIfMissing("spark.executor.extraClassPath", System.getProperty("java.class.path"));
            // local-cluster[N,C,MB]: each executor computes on its C cores, not on every core of the machine
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("local-cluster\\[\\s*\\d+\\s*,\\s*(\\d+)\\s*,.*")
                    .matcher(conf.get("spark.master"));
            conf.setIfMissing("spark.executor.extraJavaOptions", executorJvmOptions()
                    + (m.matches() ? " -Dcassl.threads=" + m.group(1) : ""));
        }
        return new JavaSparkContext(conf);
    }

    /**
     * This JVM's flags an executor JVM needs too: Spark's --add-opens, our --add-modules
     * jdk.incubator.vector, Netty's reflection switch and the slf4j provider choice.
     */
    public static String executorJvmOptions() {
        String jvm = String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-Dio.netty") || a.startsWith("-Dslf4j")).toList());
        return jvm.contains("jdk.incubator.vector") ? jvm : jvm + " --add-modules jdk.incubator.vector";
    }

    /** Runs distributed pseudo-labelling in a fresh context; the result's one-line message. */
    public static String pseudoLabel(String master, Map<String, String> extra, SparkPseudoLabel.Spec spec) {
        JavaSparkContext sc = start(master, extra, "cassl pseudo-label");
        try {
            sc.setLogLevel("WARN");
            SparkPseudoLabel.Result r = SparkPseudoLabel.run(sc, spec);
            StringBuilder sb = new StringBuilder(r.message(spec.out()));
            sb.append(String.format(" in %.1f s (%.2f images/s) on %s", r.seconds(), (r.images() + r.skipped().size()) / r.seconds(),
                    sc.master()));
            for (int i = 0; i < Math.min(10, r.skipped().size()); i++) {
                sb.append("\n  skipped ").append(r.skipped().get(i));
            }
            if (r.skipped().size() > 10) {
                sb.append("\n  ... and ").append(r.skipped().size() - 10).append(" more");
            }
            return sb.toString();
        } finally {
            sc.stop();
        }
    }

    /** Runs data-parallel training in a fresh context; the result's one-line message. */
    public static String train(String master, Map<String, String> extra, SparkTrain.Spec spec) {
        if (master == null && !extra.containsKey("spark.master") && System.getProperty("spark.master") == null) {
            master = "local[" + spec.replicas() + "]"; // a barrier stage needs a slot per replica
        }
        JavaSparkContext sc = start(master, extra, "cassl train");
        try {
            sc.setLogLevel("WARN");
            SparkTrain.Result r = SparkTrain.run(sc, spec);
            return String.format(java.util.Locale.ROOT, "%s; %d replicas x batch %d on %s in %.1f s (rank 0: %.1f s in all-reduce, %.1f MB sent;"
                    + " %s) -> %s", r.message(), spec.replicas(), spec.batch(), sc.master(), r.seconds(), r.allReduceSeconds(),
                    r.bytesSent() / 1e6, r.stepLine(), r.weights());
        } finally {
            sc.stop();
        }
    }

    /**
     * Runs the CA-SSL experiment {@code job} describes with its stages on Spark, in a fresh context;
     * what to print: the results table, the gain when the controls ran, and one line per training
     * stage (step time and all-reduce share).
     */
    public static String caSsl(String master, Map<String, String> extra, org.cassl.training.api.CaSslJob.Builder job,
                               SparkStages.Settings settings) {
        if (master == null && !extra.containsKey("spark.master") && System.getProperty("spark.master") == null) {
            // a barrier stage needs a slot per replica; labelling uses every core
            master = "local[" + Math.max(settings.replicas(), Runtime.getRuntime().availableProcessors()) + "]";
        }
        JavaSparkContext sc = start(master, extra, "cassl ca-ssl");
        try {
            sc.setLogLevel("WARN");
            SparkStages stages = new SparkStages(sc, settings);
            org.cassl.training.api.JobResult r = job.stages(stages).listener(new org.cassl.training.api.JobListener() {
                @Override
                public void onStage(String name, String description) {
                    System.err.println("== " + description + " (Spark " + sc.master() + ")");
                }
            }).build().run();
            StringBuilder sb = new StringBuilder(org.cassl.training.pipeline.ResultsTable.format(r.metrics()));
            Double gain = org.cassl.training.api.CaSslJob.gain(r.metrics());
            if (gain != null) {
                sb.append(String.format(java.util.Locale.ROOT, "gain over the better compute-matched control: %+.1f AP points%s%n",
                        100 * gain, gain > 0 ? "" : " (no gain)"));
            }
            for (SparkStages.StageStats s : stages.stats()) {
                sb.append(s.describe(settings.replicas())).append('\n');
            }
            sb.append(r.message()).append('\n');
            return sb.toString();
        } finally {
            sc.stop();
        }
    }
}
