package org.cassl.training.api;

import org.cassl.tensor.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.cassl.training.compute.Devices;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoReader;
import org.cassl.training.UserInputException;
import org.cassl.training.model.BackboneWeights;
import org.cassl.training.model.ModelFiles;
import org.cassl.training.data.Augmentation;
import org.cassl.training.data.LabelMode;
import org.cassl.training.pipeline.TrainRun;
import org.cassl.training.pipeline.TrainSpec;
import org.cassl.training.trainer.CancellationToken;
import org.cassl.training.trainer.GradientSync;
import org.cassl.training.trainer.TrainOptions;
import org.cassl.training.trainer.TrainOutcome;

/**
 * One training run on COCO-format data: what {@code cassl train} does. The run folder gets
 * {@code config.json}, {@code train.json}, {@code metrics.jsonl}, {@code checkpoints/} and, at the
 * end, {@code model.safetensors} (load it with {@link Detector#load}) and {@code eval.json}.
 *
 * <pre>{@code
 * TrainingJob job = TrainingJob.builder(Path.of("config.json"), Path.of("train.json"), Path.of("images"),
 *         Path.of("runs/a"))
 *     .iterations(2000).validation(Path.of("val.json"), Path.of("val"))
 *     .listener(JobListener.progressBar())
 *     .build();
 * JobResult r = job.run();          // another thread may call job.cancel()
 * if (!r.completed()) {
 *     r = job.run();                // resumes from the checkpoint
 * }
 * }</pre>
 *
 * <p>{@link #run()} throws {@link ModelLoadException} for an unusable config or initial weights,
 * {@link DataException} for missing or malformed data or an output folder that already holds a
 * run (without {@link Builder#resume}), {@link ImageException} for an unreadable training image and
 * {@link TrainingException} when the loss diverges.
 */
public final class TrainingJob extends Job {
    private final Builder b;
    private final Listeners listeners;

    private TrainingJob(Builder b) {
        this.b = b;
        this.listeners = new Listeners(b.listeners());
    }

    /**
     * A builder with the command line's defaults.
     *
     * @param config      model config JSON
     * @param annotations training annotations (COCO)
     * @param images      the folder their file names are relative to
     * @param out         the run folder
     * @return the builder
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(Path config, Path annotations, Path images, Path out) {
        return new Builder(Objects.requireNonNull(config, "config"), Objects.requireNonNull(annotations, "annotations"),
                Objects.requireNonNull(images, "images"), Objects.requireNonNull(out, "out"));
    }

    /**
     * Settings of a {@link TrainingJob}. Each defaults to {@code cassl train}'s default: 12 epochs,
     * batch 8, SGD with learning rate 0.01, weight decay 1e-4, multistep schedule, warmup
     * min(500, iterations/5), seed 0, 2 loader threads, a checkpoint every 200 iterations,
     * evaluation at the end only, augmentation on, CPU.
     */
    public static final class Builder extends TrainingSettings<Builder> {
        private final Path config;
        private final Path annotations;
        private final Path images;
        private final Path out;
        private Long iterations;
        private int epochs = Defaults.EPOCHS;
        private String optimizer = Defaults.OPTIMIZER;
        private String schedule = Defaults.SCHEDULE;
        private int warmupIters = Defaults.WARMUP_ITERS;
        private double weightDecay = Defaults.WEIGHT_DECAY;
        private Path valAnnotations;
        private Path valImages;
        private Path init;
        private boolean reinitClassLogits;
        private boolean classAgnostic;
        private Augmentation augmentation = Augmentation.standard();
        private boolean resume;

        private Builder(Path config, Path annotations, Path images, Path out) {
            this.config = config;
            this.annotations = annotations;
            this.images = images;
            this.out = out;
        }

        /**
         * Optimiser steps (instead of {@link #epochs}).
         *
         * @param n 1 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder iterations(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("iterations must be at least 1, got " + n);
            }
            this.iterations = n;
            return this;
        }

        /**
         * Passes over the training set (default 12; ignored when {@link #iterations} is set).
         *
         * @param n 1 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder epochs(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("epochs must be at least 1, got " + n);
            }
            this.epochs = n;
            this.iterations = null;
            return this;
        }

        /**
         * The optimiser (default {@code "sgd"}).
         *
         * @param name {@code "sgd"} or {@code "adamw"}
         * @return this builder
         * @throws IllegalArgumentException for another name
         */
        public Builder optimizer(String name) {
            Objects.requireNonNull(name, "optimizer");
            if (!name.equals("sgd") && !name.equals("adamw")) {
                throw new IllegalArgumentException("optimizer must be sgd or adamw, got " + name);
            }
            this.optimizer = name;
            return this;
        }

        /**
         * The learning-rate schedule (default {@code "multistep"}: steps at 2/3 and 8/9 of the run).
         *
         * @param name {@code "multistep"}, {@code "cosine"} or {@code "constant"}
         * @return this builder
         * @throws IllegalArgumentException for another name
         */
        public Builder schedule(String name) {
            Objects.requireNonNull(name, "schedule");
            if (!name.equals("multistep") && !name.equals("cosine") && !name.equals("constant")) {
                throw new IllegalArgumentException("schedule must be multistep, cosine or constant, got " + name);
            }
            this.schedule = name;
            return this;
        }

        /**
         * Linear warmup iterations (default -1: min(500, iterations/5)).
         *
         * @param n -1 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is below -1
         */
        public Builder warmupIterations(int n) {
            if (n < -1) {
                throw new IllegalArgumentException("warmupIterations must be -1 (automatic) or more, got " + n);
            }
            this.warmupIters = n;
            return this;
        }

        /**
         * Weight decay, not applied to norms and biases (default 1e-4).
         *
         * @param wd 0 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code wd} is negative
         */
        public Builder weightDecay(double wd) {
            if (!(wd >= 0)) {
                throw new IllegalArgumentException("weightDecay must be 0 or more, got " + wd);
            }
            this.weightDecay = wd;
            return this;
        }

        /**
         * Validation data, evaluated at the end (and every {@link #evalEvery} iterations).
         *
         * @param annotations validation annotations (COCO)
         * @param images      their image folder
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder validation(Path annotations, Path images) {
            this.valAnnotations = Objects.requireNonNull(annotations, "annotations");
            this.valImages = Objects.requireNonNull(images, "images");
            return this;
        }

        /**
         * Start from these weights instead of a fresh initialisation.
         *
         * @param weights safetensors with cassl's or torchvision's names
         * @param reinitClassLogits keep every weight except the classification logits layer, which
         *                          is freshly initialised (CA-SSL's stage 3)
         * @return this builder
         * @throws NullPointerException if {@code weights} is null
         */
        public Builder init(Path weights, boolean reinitClassLogits) {
            this.init = Objects.requireNonNull(weights, "weights");
            this.reinitClassLogits = reinitClassLogits;
            return this;
        }

        /**
         * Train every object as one class "object" (num_classes 2). Default false.
         *
         * @param on whether to
         * @return this builder
         */
        public Builder classAgnostic(boolean on) {
            this.classAgnostic = on;
            return this;
        }

        /**
         * Flips and colour jitter (default true): {@link Augmentation#standard()} or none.
         *
         * @param on whether to augment
         * @return this builder
         */
        public Builder augment(boolean on) {
            this.augmentation = on ? Augmentation.standard() : Augmentation.NONE;
            return this;
        }

        /**
         * The augmentation (default {@link Augmentation#standard()}); e.g. {@link Augmentation#dihedral()}
         * for data with no "up".
         *
         * @param augmentation not null
         * @return this builder
         */
        public Builder augmentation(Augmentation augmentation) {
            this.augmentation = java.util.Objects.requireNonNull(augmentation, "augmentation");
            return this;
        }

        /**
         * Continue the run in the output folder from its newest checkpoint (default false: the
         * folder must not hold a run yet). A second {@link Job#run()} of the same job always resumes.
         *
         * @param on whether to resume
         * @return this builder
         */
        public Builder resume(boolean on) {
            this.resume = on;
            return this;
        }

        /**
         * Run as replica {@code rank} of {@code world} data-parallel replicas (the Spark front end
         * uses this): {@link #batchSize} is then the global batch (a multiple of {@code world}), each
         * replica trains on its slice of every global batch, {@code sync} averages the gradients
         * after each backward pass, and only rank 0 writes the run folder's checkpoints, final
         * weights and evaluation (the others resume from them).
         *
         * @param rank  this replica, 0 to world - 1
         * @param world the number of replicas
         * @param sync  the gradient all-reduce shared by the replicas
         * @return this builder
         */
        public Builder replica(int rank, int world, GradientSync sync) {
            if (world < 1 || rank < 0 || rank >= world) {
                throw new IllegalArgumentException("replica " + rank + " of " + world);
            }
            this.replicaRank = rank;
            this.replicaWorld = world;
            this.replicaSync = Objects.requireNonNull(sync, "sync");
            return this;
        }

        private int replicaRank = 0;
        private int replicaWorld = 1;
        private GradientSync replicaSync = GradientSync.NONE;

        /**
         * The job (nothing runs yet).
         *
         * @return the job
         * @throws IllegalArgumentException if both {@link #init} and {@link #backboneWeights} are set
         */
        public TrainingJob build() {
            if (init != null && backboneWeights != null) {
                throw new IllegalArgumentException("init and backboneWeights exclude each other: initial weights already "
                        + "hold the backbone");
            }
            return new TrainingJob(this);
        }

        @Override
        Builder self() {
            return this;
        }
    }

    @Override
    JobResult execute(CancellationToken cancellation, boolean again) {
        Device device = Errors.loading(() -> Devices.resolve(b.device()));
        FcosConfig parsed = Errors.loading(() -> ModelFiles.config(b.config));
        BackboneWeights.Plan backbone = null;
        FcosConfig cfg = parsed;
        if (b.backboneWeights != null) {
            backbone = Errors.loading(() -> BackboneWeights.plan(b.backboneWeights, b.config, parsed));
            cfg = backbone.apply(cfg);
            FcosConfig checked = cfg;
            Errors.loading(() -> {
                BackboneWeights.check(b.backboneWeights, checked);
                return null;
            });
        }
        if (b.classAgnostic) {
            cfg = cfg.withNumClasses(2);
        }
        if (b.init != null && !Files.isRegularFile(b.init)) {
            throw new ModelLoadException("initial weights not found: " + b.init);
        }
        CocoDataset train = read(b.annotations);
        CocoDataset val = b.valAnnotations == null ? null : read(b.valAnnotations);
        long iters = b.iterations != null ? b.iterations
                : (long) b.epochs * Math.max(1, train.images().size() / Math.max(1, b.batchSize));
        TrainOptions o = TrainOptions.recipe(iters, b.batchSize, b.lr, b.optimizer, b.schedule, b.warmupIters, b.weightDecay,
                b.seed, b.workers, b.evalEvery, b.checkpointEvery).withEmaDecay(b.emaDecay);
        TrainSpec spec = new TrainSpec("train", cfg, train, b.images, b.classAgnostic ? LabelMode.CLASS_AGNOSTIC
                : LabelMode.CATEGORY_ID, b.augmentation, val, b.valImages, b.init,
                b.reinitClassLogits, o, b.out, backbone);
        boolean resume = b.resume || again;
        if (!resume && holdsRun(b.out)) {
            throw new DataException(b.out + " already holds a run; use resume(true) to continue it, or another output "
                    + "folder");
        }
        TrainOutcome outcome = new TrainRun(spec).device(device).listener(listeners).cancellation(cancellation)
                .replica(b.replicaRank, b.replicaWorld, b.replicaSync).run(resume);
        boolean done = outcome.status() == TrainOutcome.Status.COMPLETED;
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        if (done && !outcome.finalMetrics().isEmpty()) {
            metrics.put("model", outcome.finalMetrics());
        }
        return new JobResult(done ? JobResult.Status.COMPLETED : JobResult.Status.CANCELLED, outcome.iterations(), b.out,
                done ? TrainRun.weightsOf(b.out) : null, metrics, outcome.message());
    }

    /**
     * Whether a folder already holds a training run (final weights or a checkpoint): a job on it
     * needs {@code resume(true)}.
     *
     * @param folder a run folder
     * @return true if it holds a run
     * @throws NullPointerException if {@code folder} is null
     */
    public static boolean holdsRun(Path folder) {
        Objects.requireNonNull(folder, "folder");
        return Files.exists(TrainRun.weightsOf(folder))
                || !new org.cassl.training.checkpoint.CheckpointStore(folder, 1).list().isEmpty();
    }

    static CocoDataset read(Path ann) {
        if (!Files.isRegularFile(ann)) {
            throw new DataException("annotation file not found: " + ann);
        }
        try {
            return CocoReader.read(ann);
        } catch (IOException e) {
            throw Errors.io("cannot read " + ann, e);
        }
    }
}
