package org.cassl.spark.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cassl spark}: the stages on Apache Spark (embedded {@code local[*]} by default). */
@Command(name = "spark", mixinStandardHelpOptions = true, subcommands = {SparkPseudoLabelCommand.class, SparkTrainCommand.class, SparkCaSslCommand.class},
        description = {"Run cassl stages on Apache Spark: embedded local[*] by default, or any master (--master, spark-submit).",
            "Spark is a provided dependency: ./cassl adds spark/target/lib (mvn -pl spark -am package) when present."})
public final class SparkCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Options every Spark subcommand takes. */
    static final class SparkOptions {
        @Option(names = "--master", paramLabel = "M",
                description = "Spark master: local[N], local-cluster[N,C,MB], spark://H:P, yarn, k8s://... (default: local[*], or spark-submit's).")
        String master;

        @Option(names = "--spark-conf", paramLabel = "K=V", description = "A Spark setting (repeatable), e.g. spark.executor.memory=4g.")
        Map<String, String> conf = new LinkedHashMap<>();

        @Option(names = "--partitions", paramLabel = "N", description = "Partitions (default: two per core Spark offers).")
        int partitions;
    }

    /** Options of the data-parallel training subcommands. */
    static final class ReplicaOptions {
        @Option(names = {"--replicas", "--workers-n"}, paramLabel = "N",
                description = "Data-parallel replicas (Spark tasks) per training stage (default: ${DEFAULT-VALUE}).")
        int replicas = 2;

        @Option(names = "--retries", paramLabel = "N",
                description = "Start a failed barrier stage again, resuming from the newest checkpoint (default: ${DEFAULT-VALUE}).")
        int retries = 2;
    }

    /** The device option of subcommands that compute on executors. */
    static final class ExecutorDeviceOption {
        @Option(names = "--device", paramLabel = "cpu|cuda:N|auto",
                description = "Executor device; auto takes the GPU Spark assigns (spark.task.resource.gpu.amount) (default: ${DEFAULT-VALUE}).")
        String device = "cpu";
    }
}
