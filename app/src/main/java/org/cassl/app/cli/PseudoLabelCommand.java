package org.cassl.app.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cassl.training.api.Defaults;
import org.cassl.training.api.JobListener;
import org.cassl.training.api.JobResult;
import org.cassl.training.api.PseudoLabelJob;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;



/** {@code cassl pseudo-label}: teacher inference over unlabeled images into a class-agnostic COCO file. */
@Command(name = "pseudo-label", mixinStandardHelpOptions = true,
        description = {"Label unlabeled images with a teacher: score >= tau, class-agnostic NMS, at most 100 per image.",
            "Writes COCO annotations with one category \"object\" (teacher_category_id and teacher_score kept).",
            "Restartable: an interrupted run continues where it stopped."})
final class PseudoLabelCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "C.json", description = "Teacher config JSON.")
    Path config;

    @Option(names = "--weights", required = true, paramLabel = "W", description = "Teacher weights (safetensors, or a PyTorch .pth/.pt checkpoint).")
    Path weights;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--images", paramLabel = "DIR", description = "Every image under this folder.")
        Path images;

        @Option(names = "--image-list", paramLabel = "F", description = "Image paths, one per line, relative to F's folder.")
        Path imageList;
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
    Path out;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() {
        String device = compute.apply();
        JobResult r = PseudoLabelJob.builder(config, weights, source.images != null ? source.images : source.imageList, out)
                .tau(tau).nmsThreshold(nms).maxPerImage(maxPerImage).batchSize(batch).device(device)
                .listener(JobListener.progressBar()).build().run();
        System.out.println(r.message());
        return 0;
    }
}
