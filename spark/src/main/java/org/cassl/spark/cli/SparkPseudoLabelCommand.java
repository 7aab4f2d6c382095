package org.cassl.spark.cli;

import java.util.concurrent.Callable;
import org.cassl.spark.SparkPseudoLabel;
import org.cassl.spark.SparkRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cassl spark pseudo-label}: {@code cassl pseudo-label} on Spark, same options and the same output file. */
@Command(name = "pseudo-label", mixinStandardHelpOptions = true,
        description = {"Label unlabeled images with a teacher on Spark: the same COCO file as `cassl pseudo-label`.",
            "Paths may be URIs of any Hadoop file system (file:, hdfs:, s3a:). Parts are kept in OUT.parts until the merge;",
            "a rerun after a failure skips finished parts."})
final class SparkPseudoLabelCommand implements Callable<Integer> {
    @Mixin
    PseudoLabelOptions pl;

    @Option(names = "--on-error", paramLabel = "skip|fail",
            description = "Unreadable images: skip (leave out, count, list) or fail (write nothing) (default: ${DEFAULT-VALUE}).")
    String onError = "skip";

    @Mixin
    SparkCommand.ExecutorDeviceOption device;

    @Mixin
    SparkCommand.SparkOptions spark;

    @Override
    public Integer call() {
        if (!SparkRunner.sparkPresent()) {
            throw new org.cassl.training.UserInputException(SparkRunner.HOW_TO_GET_SPARK);
        }
        SparkPseudoLabel.Spec spec = new SparkPseudoLabel.Spec(pl.config, pl.weights, pl.images(), pl.out, pl.options(), onError,
                spark.partitions, device.device, -1);
        System.out.println(SparkRunner.pseudoLabel(spark.master, spark.conf, spec));
        return 0;
    }
}
