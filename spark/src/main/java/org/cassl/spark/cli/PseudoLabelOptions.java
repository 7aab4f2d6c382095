package org.cassl.spark.cli;

import org.cassl.training.api.Defaults;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The options of {@code cassl pseudo-label}, shared by {@code cassl spark pseudo-label} (a picocli
 * mixin). Paths are strings: on Spark they may be URIs of any Hadoop file system.
 */
public final class PseudoLabelOptions {
    @Option(names = "--config", required = true, paramLabel = "C.json", description = "Teacher config JSON.")
    public String config;

    @Option(names = "--weights", required = true, paramLabel = "W",
            description = "Teacher weights (safetensors, or a PyTorch .pth/.pt checkpoint).")
    public String weights;

    @ArgGroup(exclusive = true, multiplicity = "1")
    public Source source;

    /** Where the images are: a folder or a list file. */
    public static final class Source {
        @Option(names = "--images", paramLabel = "DIR", description = "Every image under this folder.")
        public String images;

        @Option(names = "--image-list", paramLabel = "F", description = "Image paths, one per line, relative to F's folder.")
        public String imageList;
    }

    @Option(names = "--tau", description = "Score threshold (default: ${DEFAULT-VALUE}).")
    public double tau = Defaults.TAU;

    @Option(names = "--nms", description = "Class-agnostic NMS IoU (default: ${DEFAULT-VALUE}).")
    public double nms = Defaults.PSEUDO_LABEL_NMS;

    @Option(names = "--max-per-image", description = "Cap per image (default: ${DEFAULT-VALUE}).")
    public int maxPerImage = Defaults.MAX_PER_IMAGE;

    @Option(names = "--batch", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    public int batch = Defaults.PSEUDO_LABEL_BATCH;

    @Option(names = "--out", required = true, paramLabel = "P.json", description = "Output COCO annotation file.")
    public String out;

    /** The folder or list file given. */
    public String images() {
        return source.images != null ? source.images : source.imageList;
    }

    /** tau, NMS, cap and batch as the library's options. */
    public org.cassl.training.pipeline.PseudoLabelOptions options() {
        return new org.cassl.training.pipeline.PseudoLabelOptions(tau, nms, maxPerImage, batch);
    }
}
