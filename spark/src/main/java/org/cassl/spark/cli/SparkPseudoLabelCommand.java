package org.cassl.spark.cli;

import java.util.concurrent.Callable;
import org.cassl.spark.SparkPseudoLabel;
import org.cassl.spark.SparkRunner;
import org.cassl.training.api.Defaults;
import org.cassl.training.pipeline.PseudoLabelOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cassl spark pseudo-label}: {@code cassl pseudo-label} on Spark, same options and the same output file. */
@Command(name = "pseudo-label", mixinStandardHelpOptions = true,
        description = {"Label unlabeled images with a teacher on Spark: the same COCO file as `cassl pseudo-label`.",
            "Paths may be URIs of any Hadoop file system (file:, hdfs:, s3a:). Parts are kept in OUT.parts until the merge;",
            "a rerun after a failure skips finished parts."})
final class SparkPseudoLabelCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "C.json", description = "Teacher config JSON.")
    String config;

    @Option(names = "--weights", required = true, paramLabel = "W", description = "Teacher weights (safetensors, or .pth/.pt).")
    String weights;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--images", paramLabel = "DIR", description = "Every image under this folder.")
        String images;

        @Option(names = "--image-list", paramLabel = "F", description = "Image paths, one per line, relative to F's folder.")
        String imageList;
    }

    @Option(names = "--tau", description = "Score threshold (default: ${DEFAULT-VALUE}).")
    double tau = Defaults.TAU;

    @Option(names = "--nms", description = "Class-agnostic NMS IoU (default: ${DEFAULT-VALUE}).")
    double nms = Defaults.PSEUDO_LABEL_NMS;

    @Option(names = "--max-per-image", description = "Cap per image (default: ${DEFAULT-VALUE}).")
    int maxPerImage = Defaults.MAX_PER_IMAGE;

    @Option(names = "--batch", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch = Defaults.PSEUDO_LABEL_BATCH;

    @Option(names = "--out", required = true, paramLabel = "P.json", description = "Output COCO annotation file.")
    String out;

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
        SparkPseudoLabel.Spec spec = new SparkPseudoLabel.Spec(config, weights, source.images != null ? source.images
                : source.imageList, out, new PseudoLabelOptions(tau, nms, maxPerImage, batch), onError, spark.partitions, device.device, -1);
        System.out.println(SparkRunner.pseudoLabel(spark.master, spark.conf, spec));
        return 0;
    }
}
