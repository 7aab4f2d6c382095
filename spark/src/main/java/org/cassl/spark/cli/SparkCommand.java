package org.cassl.spark.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cassl spark}: the stages on Apache Spark (embedded {@code local[*]} by default). */
@Command(name = "spark", mixinStandardHelpOptions = true, subcommands = {SparkPseudoLabelCommand.class, SparkTrainCommand.class},
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
}
