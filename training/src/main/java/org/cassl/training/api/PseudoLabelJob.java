package org.cassl.training.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.cassl.training.compute.Devices;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.Device;
import org.cassl.training.model.ModelFiles;
import org.cassl.training.pipeline.PseudoLabelOptions;
import org.cassl.training.pipeline.PseudoLabeler;
import org.cassl.training.pipeline.UnlabeledImages;
import org.cassl.training.trainer.CancellationToken;

/**
 * Teacher inference over unlabeled images into a class-agnostic COCO annotation file: what
 * {@code cassl pseudo-label} does. Detections with score &ge; tau survive a class-agnostic NMS and
 * a per-image cap; they become annotations of one category "object" keeping
 * {@code teacher_category_id} and {@code teacher_score}.
 *
 * <pre>{@code
 * JobResult r = PseudoLabelJob.builder(config, teacherWeights, Path.of("unlabeled"), Path.of("pseudo.json"))
 *     .tau(0.5).listener(JobListener.progressBar()).build().run();
 * }</pre>
 *
 * <p>Restartable: a cancelled (or crashed) run keeps the images it finished, and the next run
 * continues with the others. {@link #run()} throws {@link ModelLoadException} for an unusable
 * teacher and {@link DataException} for a missing or empty image folder or list; unreadable images
 * are skipped and counted in the result's message.
 */
public final class PseudoLabelJob extends Job {
    private final Builder b;
    private final Listeners listeners;

    private PseudoLabelJob(Builder b) {
        this.b = b;
        this.listeners = new Listeners(b.listeners());
    }

    /**
     * A builder with the command line's defaults.
     *
     * @param config  the teacher's config JSON
     * @param weights the teacher's weights
     * @param images  a folder of images (every image file under it) or a text file listing image
     *                paths, one per line, relative to the list's folder
     * @param out     the COCO annotation file to write
     * @return the builder
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(Path config, Path weights, Path images, Path out) {
        return new Builder(Objects.requireNonNull(config, "config"), Objects.requireNonNull(weights, "weights"),
                Objects.requireNonNull(images, "images"), Objects.requireNonNull(out, "out"));
    }

    /**
     * Settings of a {@link PseudoLabelJob}; defaults are {@code cassl pseudo-label}'s: tau 0.5, NMS
     * IoU 0.6, at most 100 per image, batches of 8 images, CPU.
     */
    public static final class Builder extends JobBuilder<Builder> {
        private final Path config;
        private final Path weights;
        private final Path images;
        private final Path out;
        private double tau = Defaults.TAU;
        private double nms = Defaults.PSEUDO_LABEL_NMS;
        private int maxPerImage = Defaults.MAX_PER_IMAGE;
        private int batchSize = Defaults.PSEUDO_LABEL_BATCH;

        private Builder(Path config, Path weights, Path images, Path out) {
            this.config = config;
            this.weights = weights;
            this.images = images;
            this.out = out;
        }

        /**
         * Score threshold (default 0.5).
         *
         * @param tau in [0, 1]
         * @return this builder
         * @throws IllegalArgumentException if {@code tau} is outside [0, 1]
         */
        public Builder tau(double tau) {
            if (!(tau >= 0 && tau <= 1)) {
                throw new IllegalArgumentException("tau must be in [0, 1], got " + tau);
            }
            this.tau = tau;
            return this;
        }

        /**
         * Class-agnostic NMS IoU threshold (default 0.6).
         *
         * @param iou in [0, 1]
         * @return this builder
         * @throws IllegalArgumentException if {@code iou} is outside [0, 1]
         */
        public Builder nmsThreshold(double iou) {
            if (!(iou >= 0 && iou <= 1)) {
                throw new IllegalArgumentException("nmsThreshold must be in [0, 1], got " + iou);
            }
            this.nms = iou;
            return this;
        }

        /**
         * Cap per image (default 100).
         *
         * @param n 1 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder maxPerImage(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxPerImage must be at least 1, got " + n);
            }
            this.maxPerImage = n;
            return this;
        }

        /**
         * Images per forward pass (default 8).
         *
         * @param n 1 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder batchSize(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + n);
            }
            this.batchSize = n;
            return this;
        }

        /**
         * The job (nothing runs yet).
         *
         * @return the job
         */
        public PseudoLabelJob build() {
            return new PseudoLabelJob(this);
        }

        @Override
        Builder self() {
            return this;
        }
    }

    @Override
    JobResult execute(CancellationToken cancellation, boolean again) {
        Device device = Errors.loading(() -> Devices.resolve(b.device()));
        UnlabeledImages input = Files.isDirectory(b.images) ? UnlabeledImages.folder(b.images) : UnlabeledImages.list(b.images);
        PseudoLabelOptions opts = new PseudoLabelOptions(b.tau, b.nms, b.maxPerImage, b.batchSize);
        Fcos teacher = Errors.loading(() -> {
            FcosConfig cfg = ModelFiles.config(b.config);
            if (b.tau < cfg.scoreThresh()) {
                cfg = cfg.withScoreThresh(b.tau);
            }
            return ModelFiles.load(cfg, b.weights, device);
        });
        int total = input.fileNames().size();
        listeners.stage("pseudo-label", "pseudo-labels on " + total + " images (tau " + b.tau + ")");
        int[] done = new int[1];
        try {
            PseudoLabeler.Summary s = new PseudoLabeler(teacher, opts, b.weights.toAbsolutePath().toString())
                    .run(input, b.out, i -> {
                        done[0] = i;
                        listeners.images(i, total);
                        if (cancellation.isCancelled() && i < total) {
                            throw new Stop();
                        }
                    });
            String msg = "pseudo-labels: " + s.boxes() + " boxes on " + s.images() + " images -> " + b.out
                    + (s.skipped() > 0 ? "; " + s.skipped() + " unreadable image(s) skipped" : "")
                    + (input.skipped() > 0 ? "; " + input.skipped() + " non-image file(s) ignored" : "")
                    + (s.resumed() > 0 ? "; " + s.resumed() + " image(s) taken over from an interrupted run" : "");
            listeners.targets().forEach(l -> l.onFinish("pseudo-label", JobResult.Status.COMPLETED, msg));
            return new JobResult(JobResult.Status.COMPLETED, s.images(), b.out, null, Map.of(), msg);
        } catch (Stop e) {
            String msg = "pseudo-label: cancelled after " + done[0] + " of " + total + " images; resumable";
            listeners.targets().forEach(l -> l.onFinish("pseudo-label", JobResult.Status.CANCELLED, msg));
            return new JobResult(JobResult.Status.CANCELLED, done[0], b.out, null, Map.of(), msg);
        }
    }
}
