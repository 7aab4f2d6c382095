package org.cassl.spark.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cassl.spark.SparkPseudoLabelBench;
import org.cassl.spark.SparkRunner;
import org.cassl.training.UserInputException;
import org.cassl.training.api.Defaults;
import org.cassl.training.pipeline.PseudoLabelOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cassl bench spark-pseudo-label}: pseudo-labelling throughput on 1 and 2 Spark executors vs one machine. */
@Command(name = "spark-pseudo-label", mixinStandardHelpOptions = true,
        description = {"Label the same images with one machine (1 thread), one Spark executor of 1 core and two",
            "(local-cluster[1,1,M] and [2,1,M]): images/s, the 1 -> 2 scaling efficiency and Spark's overhead over the",
            "one-machine command; checks that the three outputs are identical. Needs spark/target/lib (./cassl sets SPARK_HOME)."})
public final class SparkPseudoLabelBenchCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "C.json", description = "Teacher config JSON.")
    Path config;

    @Option(names = "--weights", required = true, paramLabel = "W", description = "Teacher weights.")
    Path weights;

    @Option(names = "--image-dir", required = true, paramLabel = "DIR",
            description = "Folder of images (e.g. the unlabeled/ split of ./cassl generate-shapes); the first N sorted are used.")
    Path imageDir;

    @Option(names = "--images", paramLabel = "N", description = "Images to label (default: ${DEFAULT-VALUE}).")
    int images = 2000;

    @Option(names = "--tau", description = "Score threshold (default: ${DEFAULT-VALUE}).")
    double tau = Defaults.TAU;

    @Option(names = "--batch", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch = Defaults.PSEUDO_LABEL_BATCH;

    @Option(names = "--executor-memory-mb", paramLabel = "MB", description = "Memory per executor (default: ${DEFAULT-VALUE}).")
    int executorMb = 1536;

    @Option(names = "--work", paramLabel = "DIR", description = "Scratch folder for the outputs (default: a temporary folder).")
    Path work;

    @Option(names = "--json", description = "Print one JSON line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!SparkRunner.sparkPresent()) {
            throw new UserInputException(SparkRunner.HOW_TO_GET_SPARK);
        }
        Path w = work != null ? work : java.nio.file.Files.createTempDirectory("cassl-bench-spark");
        SparkPseudoLabelBench.Report r = SparkPseudoLabelBench.run(new SparkPseudoLabelBench.Spec(config, weights, imageDir, images,
                new PseudoLabelOptions(tau, Defaults.PSEUDO_LABEL_NMS, Defaults.MAX_PER_IMAGE, batch), executorMb, w));
        System.out.print(json ? r.json() + System.lineSeparator() : r.text());
        return 0;
    }
}
