package org.cassl.app.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cassl.spark.cli.PseudoLabelOptions;
import org.cassl.training.api.JobListener;
import org.cassl.training.api.JobResult;
import org.cassl.training.api.PseudoLabelJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code cassl pseudo-label}: teacher inference over unlabeled images into a class-agnostic COCO
 * file. Its options are {@link PseudoLabelOptions}, which {@code cassl spark pseudo-label} shares.
 */
@Command(name = "pseudo-label", mixinStandardHelpOptions = true,
        description = {"Label unlabeled images with a teacher: score >= tau, class-agnostic NMS, at most 100 per image.",
            "Writes COCO annotations with one category \"object\" (teacher_category_id and teacher_score kept).",
            "Restartable: an interrupted run continues where it stopped."})
final class PseudoLabelCommand implements Callable<Integer> {
    @Mixin
    PseudoLabelOptions pl;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() {
        String device = compute.apply();
        JobResult r = PseudoLabelJob.builder(Path.of(pl.config), Path.of(pl.weights), Path.of(pl.images()), Path.of(pl.out))
                .tau(pl.tau).nmsThreshold(pl.nms).maxPerImage(pl.maxPerImage).batchSize(pl.batch).device(device)
                .listener(JobListener.progressBar()).build().run();
        System.out.println(r.message());
        return 0;
    }
}
