package org.cassl.training.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.Device;
import org.cassl.training.UserInputException;
import org.cassl.training.pipeline.PseudoLabelOptions;
import org.cassl.training.pipeline.PseudoLabeler;
import org.cassl.training.pipeline.UnlabeledImages;
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

    @Option(names = "--weights", required = true, paramLabel = "W.safetensors", description = "Teacher weights.")
    Path weights;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--images", paramLabel = "DIR", description = "Every image under this folder.")
        Path images;

        @Option(names = "--image-list", paramLabel = "F", description = "Image paths, one per line, relative to F's folder.")
        Path imageList;
    }

    @Option(names = "--tau", defaultValue = CliDefaults.TAU, description = "Score threshold (default: ${DEFAULT-VALUE}).")
    double tau;

    @Option(names = "--nms", defaultValue = CliDefaults.NMS, description = "Class-agnostic NMS IoU (default: ${DEFAULT-VALUE}).")
    double nms;

    @Option(names = "--max-per-image", defaultValue = CliDefaults.MAX_PER_IMAGE, description = "Cap per image (default: ${DEFAULT-VALUE}).")
    int maxPerImage;

    @Option(names = "--batch", defaultValue = CliDefaults.PSEUDO_LABEL_BATCH, description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--out", required = true, paramLabel = "P.json", description = "Output COCO annotation file.")
    Path out;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() {
        Device device = compute.apply();
        PseudoLabelOptions opts;
        try {
            opts = new PseudoLabelOptions(tau, nms, maxPerImage, batch);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        UnlabeledImages input = source.images != null ? UnlabeledImages.folder(source.images)
                : UnlabeledImages.list(source.imageList);
        FcosConfig cfg = ModelFiles.config(config);
        if (tau < cfg.scoreThresh()) {
            cfg = cfg.withScoreThresh(tau);
        }
        Fcos teacher = ModelFiles.load(cfg, weights, device);
        PseudoLabeler.Summary s = run(teacher, opts, weights.toAbsolutePath().toString(), input, out);
        System.out.println("pseudo-labels: " + s.boxes() + " boxes on " + s.images() + " images -> " + out
                + (s.skipped() > 0 ? "; " + s.skipped() + " unreadable image(s) skipped" : "")
                + (input.skipped() > 0 ? "; " + input.skipped() + " non-image file(s) ignored" : "")
                + (s.resumed() > 0 ? "; " + s.resumed() + " image(s) taken over from an interrupted run" : ""));
        return 0;
    }

    /** Runs the labeller with a progress bar on stderr. */
    static PseudoLabeler.Summary run(Fcos teacher, PseudoLabelOptions opts, String teacherId, UnlabeledImages input, Path out) {
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("pseudo-label").setInitialMax(input.fileNames().size())
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).setUnit(" img", 1).showSpeed()
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err, 100)).build()) {
            return new PseudoLabeler(teacher, opts, teacherId).run(input, out, bar::stepTo);
        }
    }
}
