package org.cassl.training.api;

import org.cassl.tensor.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.cassl.training.compute.Devices;
import org.cassl.detection.FcosConfig;
import org.cassl.training.UserInputException;
import org.cassl.training.model.BackboneWeights;
import org.cassl.training.model.ModelFiles;
import org.cassl.training.data.Augmentation;
import org.cassl.training.pipeline.CaSslConfig;
import org.cassl.training.pipeline.CaSslPipeline;
import org.cassl.training.pipeline.PseudoLabelOptions;
import org.cassl.training.pipeline.ResultsTable;
import org.cassl.training.pipeline.UnlabeledImages;
import org.cassl.training.pipeline.WarmupMode;
import org.cassl.training.trainer.CancellationToken;
import org.cassl.training.trainer.TrainOptions;
import org.cassl.training.trainer.TrainingListener;

/**
 * The CA-SSL experiment, what {@code cassl ca-ssl} does: stage 1 trains the teacher (which is also
 * the baseline) on the labeled set, the teacher pseudo-labels the unlabeled images, stage 2 warms a
 * model up on them class-agnostically, stage 3 fine-tunes it on the labeled set. The result maps
 * {@code "baseline"} and {@code "ca_ssl"} (and {@code "class_aware"} for the ablation, and the
 * controls {@code "baseline_long"} and {@code "labeled_warmup"} with {@link Builder#controls}) to
 * their metrics, on the test split when one is given ({@link Builder#test}), else on validation;
 * {@code results.json} in the experiment folder holds the same, plus {@code "gain"} (CA-SSL's AP
 * minus the better control's), {@code "evaluated_on"} and the validation metrics under {@code "val"}.
 *
 * <pre>{@code
 * JobResult r = CaSslJob.builder(config, Path.of("labeled.json"), Path.of("labeled"), Path.of("unlabeled"),
 *         Path.of("val.json"), Path.of("val"), Path.of("exp"))
 *     .iterations(1000).listener(JobListener.progressBar()).build().run();
 * System.out.println(r.stats("ca_ssl").ap() - r.stats("baseline").ap());
 * }</pre>
 *
 * <p>Resumable at every stage: a finished stage is not retrained, an interrupted one continues
 * from its checkpoint, pseudo-labelling continues from its partial file. Throws as
 * {@link TrainingJob} does.
 */
public final class CaSslJob extends Job {
    private final Builder b;
    private final Listeners listeners;

    private CaSslJob(Builder b) {
        this.b = b;
        this.listeners = new Listeners(b.listeners());
    }

    /**
     * A builder with the command line's defaults.
     *
     * @param config        model config for the labeled classes
     * @param labeled       labeled annotations (COCO)
     * @param labeledImages their image folder
     * @param unlabeled     unlabeled image folder, or a text file listing images
     * @param val           validation annotations
     * @param valImages     validation image folder
     * @param out           experiment folder
     * @return the builder
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(Path config, Path labeled, Path labeledImages, Path unlabeled, Path val, Path valImages,
                                  Path out) {
        return new Builder(Objects.requireNonNull(config, "config"), Objects.requireNonNull(labeled, "labeled"),
                Objects.requireNonNull(labeledImages, "labeledImages"), Objects.requireNonNull(unlabeled, "unlabeled"),
                Objects.requireNonNull(val, "val"), Objects.requireNonNull(valImages, "valImages"),
                Objects.requireNonNull(out, "out"));
    }

    /**
     * Settings of a {@link CaSslJob}; defaults are {@code cassl ca-ssl}'s: 1000 iterations per
     * stage (the warmup as many), batch 8, learning rate 0.01, seed 0, tau 0.5, 2 loader threads,
     * the class-agnostic warmup only, CPU.
     */
    public static final class Builder extends TrainingSettings<Builder> {
        private final Path config;
        private final Path labeled;
        private final Path labeledImages;
        private final Path unlabeled;
        private final Path val;
        private final Path valImages;
        private final Path out;
        private long iterations = Defaults.CA_SSL_ITERS;
        private Long warmupIterations;
        private double tau = Defaults.TAU;
        private int lrWarmup = 500;
        private boolean classAware;
        private boolean classAgnostic = true;
        private Long teacherIterations;
        private boolean baselineLongControl;
        private boolean labeledWarmupControl;
        private String schedule = Defaults.SCHEDULE;
        private Path testAnn;
        private Path testImages;
        private Path teacherRun;
        private org.cassl.training.pipeline.StageRunner stages = org.cassl.training.pipeline.StageRunner.LOCAL;
        private String optimizer = Defaults.OPTIMIZER;
        private double weightDecay = Defaults.WEIGHT_DECAY;
        private Augmentation augmentation = Augmentation.standard();

        private Builder(Path config, Path labeled, Path labeledImages, Path unlabeled, Path val, Path valImages, Path out) {
            this.config = config;
            this.labeled = labeled;
            this.labeledImages = labeledImages;
            this.unlabeled = unlabeled;
            this.val = val;
            this.valImages = valImages;
            this.out = out;
        }

        /**
         * Iterations of each stage (default 1000).
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
         * Iterations of the stage-2 warmup (default: {@link #iterations}).
         *
         * @param n 1 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder warmupIterations(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("warmupIterations must be at least 1, got " + n);
            }
            this.warmupIterations = n;
            return this;
        }

        /**
         * Pseudo-label score threshold (default 0.5).
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
         * The longest linear learning-rate warmup of a stage, in iterations: each stage warms up
         * for min(n, its iterations / 5) (default 500, the training default).
         *
         * @param n 0 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is negative
         */
        public Builder learningRateWarmup(int n) {
            this.lrWarmup = atLeast(0, n, "learningRateWarmup");
            return this;
        }

        /**
         * Which warmups to run: the class-agnostic one (CA-SSL, default on) and the class-aware
         * ablation (default off).
         *
         * @param classAgnostic run the class-agnostic warmup and fine-tune
         * @param classAware    run the class-aware ones
         * @return this builder
         * @throws IllegalArgumentException if both are false
         */
        public Builder warmups(boolean classAgnostic, boolean classAware) {
            if (!classAgnostic && !classAware) {
                throw new IllegalArgumentException("at least one warmup (class-agnostic or class-aware) must run");
            }
            this.classAgnostic = classAgnostic;
            this.classAware = classAware;
            return this;
        }

        /**
         * Iterations of the stage-1 teacher, which is also the baseline (default: {@link #iterations}).
         *
         * @param n 1 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder teacherIterations(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("teacherIterations must be at least 1, got " + n);
            }
            this.teacherIterations = n;
            return this;
        }

        /**
         * Runs both compute-matched controls (default off): {@code baseline_long}, the labeled-only
         * model trained for warmup + fine-tune iterations (the teacher itself when its iterations
         * are that many), and {@code labeled_warmup}, a class-agnostic warmup on the labeled ground
         * truth followed by the same fine-tune. The results then carry {@code gain}: CA-SSL's AP
         * minus the better control's.
         *
         * @param on run the controls
         * @return this builder
         */
        public Builder controls(boolean on) {
            return controls(on, on);
        }

        /**
         * Chooses the controls one by one (see {@link #controls(boolean)}).
         *
         * @param baselineLong  the labeled-only model trained warmup + fine-tune iterations
         * @param labeledWarmup the class-agnostic warmup on the labeled set, then the fine-tune
         * @return this builder
         */
        public Builder controls(boolean baselineLong, boolean labeledWarmup) {
            this.baselineLongControl = baselineLong;
            this.labeledWarmupControl = labeledWarmup;
            return this;
        }

        /**
         * Learning-rate schedule of every stage after its linear warmup: {@code multistep} (the
         * default), {@code cosine} or {@code constant}.
         *
         * @param name the schedule
         * @return this builder
         * @throws IllegalArgumentException if the name is none of those
         */
        public Builder schedule(String name) {
            String n = Objects.requireNonNull(name, "name").toLowerCase(java.util.Locale.ROOT);
            if (!List.of("multistep", "cosine", "constant").contains(n)) {
                throw new IllegalArgumentException("schedule must be multistep, cosine or constant, got " + name);
            }
            this.schedule = n;
            return this;
        }

        /**
         * A test split every final model is evaluated on: the result's metrics are then test
         * metrics, and validation keeps serving learning curves and choices (default: none, the
         * validation metrics are reported).
         *
         * @param ann    test annotations (COCO)
         * @param images test image folder
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder test(Path ann, Path images) {
            this.testAnn = Objects.requireNonNull(ann, "ann");
            this.testImages = Objects.requireNonNull(images, "images");
            return this;
        }

        /**
         * The optimiser of every stage and its weight decay (default {@code "sgd"}, momentum 0.9,
         * weight decay 1e-4; no decay on norms and biases either way).
         *
         * @param name        {@code "sgd"} or {@code "adamw"}
         * @param weightDecay 0 or more
         * @return this builder
         * @throws IllegalArgumentException for another name or a negative weight decay
         */
        public Builder optimizer(String name, double weightDecay) {
            String n = Objects.requireNonNull(name, "name").toLowerCase(java.util.Locale.ROOT);
            if (!n.equals("sgd") && !n.equals("adamw")) {
                throw new IllegalArgumentException("optimizer must be sgd or adamw, got " + name);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weightDecay must be 0 or more, got " + weightDecay);
            }
            this.optimizer = n;
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * The augmentation of every stage (default {@link Augmentation#standard()}: left-right flips
         * and colour jitter); {@link Augmentation#dihedral()} for data with no "up".
         *
         * @param augmentation not null
         * @return this builder
         */
        public Builder augmentation(Augmentation augmentation) {
            this.augmentation = Objects.requireNonNull(augmentation, "augmentation");
            return this;
        }

        /**
         * Uses a finished baseline run folder (another experiment's {@code baseline/}) as teacher and
         * baseline instead of training one: ablations that share a teacher (default: train one).
         *
         * @param run the run folder
         * @return this builder
         * @throws NullPointerException if {@code run} is null
         */
        public Builder teacherRun(Path run) {
            this.teacherRun = Objects.requireNonNull(run, "run");
            return this;
        }

        /**
         * Where the stages train and the teacher labels: in this JVM (the default,
         * {@link org.cassl.training.pipeline.StageRunner#LOCAL}) or elsewhere, e.g. on a Spark
         * cluster; the experiment folder gets the same files either way.
         *
         * @param runner the stage runner
         * @return this builder
         * @throws NullPointerException if {@code runner} is null
         */
        public Builder stages(org.cassl.training.pipeline.StageRunner runner) {
            this.stages = Objects.requireNonNull(runner, "runner");
            return this;
        }

        /**
         * The job (nothing runs yet).
         *
         * @return the job
         */
        public CaSslJob build() {
            return new CaSslJob(this);
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
        BackboneWeights.Plan backbone = b.backboneWeights == null ? null
                : Errors.loading(() -> BackboneWeights.plan(b.backboneWeights, b.config, parsed));
        FcosConfig model = backbone == null ? parsed : backbone.apply(parsed);
        if (backbone != null) {
            Errors.loading(() -> {
                BackboneWeights.check(b.backboneWeights, model);
                return null;
            });
        }
        List<WarmupMode> modes = new ArrayList<>();
        if (b.classAgnostic) {
            modes.add(WarmupMode.CLASS_AGNOSTIC);
        }
        if (b.classAware) {
            modes.add(WarmupMode.CLASS_AWARE);
        }
        UnlabeledImages u = Files.isDirectory(b.unlabeled) ? UnlabeledImages.folder(b.unlabeled)
                : UnlabeledImages.list(b.unlabeled);
        TrainOptions stage = stageOptions(b.iterations, b.evalEvery);
        TrainOptions warm = stageOptions(b.warmupIterations == null ? b.iterations : b.warmupIterations, 0);
        TrainOptions teacher = b.teacherIterations == null ? stage : stageOptions(b.teacherIterations, b.evalEvery);
        TrainOptions longBaseline = b.baselineLongControl ? stageOptions(warm.iterations() + stage.iterations(), b.evalEvery)
                : null;
        CaSslConfig cfg = new CaSslConfig(model, b.labeled, b.labeledImages, u, b.val, b.valImages, b.out, teacher, warm, stage,
                PseudoLabelOptions.defaults().withTau(b.tau), modes, b.augmentation)
                .withControls(longBaseline, b.labeledWarmupControl);
        if (b.testAnn != null) {
            cfg = cfg.withTest(b.testAnn, b.testImages);
        }
        if (b.teacherRun != null) {
            cfg = cfg.withTeacherRun(b.teacherRun);
        }
        if (backbone != null) {
            cfg = cfg.withBackbone(backbone);
        }
        CaSslPipeline.Listener bridge = new CaSslPipeline.Listener() {
            @Override
            public void onStage(String name, String description) {
                listeners.stage(name, description);
            }

            @Override
            public TrainingListener trainingListener(String s) {
                return listeners;
            }

            @Override
            public IntConsumer pseudoLabelProgress(int total) {
                return i -> {
                    listeners.images(i, total);
                    if (cancellation.isCancelled() && i < total) {
                        throw new Stop();
                    }
                };
            }
        };
        Map<String, Map<String, Double>> results;
        CaSslPipeline pipeline = new CaSslPipeline(cfg, bridge, cancellation).device(device).stages(b.stages);
        try {
            results = pipeline.run();
        } catch (Stop e) {
            return new JobResult(JobResult.Status.CANCELLED, 0, b.out, null, Map.of(),
                    "ca-ssl: cancelled during pseudo-labelling; resumable");
        }
        boolean complete = !cancellation.isCancelled() && results.keySet().containsAll(expectedKeys(modes, cfg));
        if (complete) {
            Map<String, Object> json = new java.util.LinkedHashMap<>(results);
            Double gain = gain(results);
            if (gain != null) {
                json.put("gain", gain);
            }
            json.put("evaluated_on", pipeline.reportedSplit());
            json.put("val", pipeline.valResults());
            ResultsTable.write(b.out.resolve("results.json"), json);
            return new JobResult(JobResult.Status.COMPLETED, stage.iterations(), b.out, null, results,
                    "ca-ssl: finished; results in " + b.out.resolve("results.json"));
        }
        return new JobResult(JobResult.Status.CANCELLED, 0, b.out, null, results, "ca-ssl: cancelled; resumable");
    }

    /**
     * The CA-SSL gain over the compute-matched controls: {@code ca_ssl}'s AP minus the best AP of
     * {@code baseline_long} and {@code labeled_warmup} (those present), or null without CA-SSL or
     * without a control.
     *
     * @param results model name to metrics
     * @return the gain in AP (a difference of fractions), or null
     */
    public static Double gain(Map<String, Map<String, Double>> results) {
        return gain(results, "AP");
    }

    /**
     * Like {@link #gain(Map)} for another metric of the results, e.g. {@code "agnostic_AP"} (the
     * class-agnostic box AP, what the class-agnostic warmup is meant to improve); null where the
     * CA-SSL model or both controls lack it.
     *
     * @param results model name to metrics
     * @param metric  the metric's name in each model's map
     * @return the difference (of fractions), or null
     */
    public static Double gain(Map<String, Map<String, Double>> results, String metric) {
        Map<String, Double> ca = results.get(WarmupMode.CLASS_AGNOSTIC.resultKey());
        if (ca == null || ca.get(metric) == null) {
            return null;
        }
        Double best = null;
        for (String k : List.of(CaSslPipeline.BASELINE_LONG, CaSslPipeline.LABELED_WARMUP)) {
            Map<String, Double> m = results.get(k);
            if (m != null && m.get(metric) != null) {
                best = best == null ? m.get(metric) : Math.max(best, m.get(metric));
            }
        }
        return best == null ? null : ca.get(metric) - best;
    }

    /** One stage's recipe: the training defaults with this job's settings. */
    private TrainOptions stageOptions(long iterations, int evalEvery) {
        return TrainOptions.recipe(iterations, b.batchSize, b.lr, b.optimizer, b.schedule,
                (int) Math.min(b.lrWarmup, iterations / 5),
                b.weightDecay, b.seed, b.workers, evalEvery, b.checkpointEvery).withEmaDecay(b.emaDecay);
    }

    private static List<String> expectedKeys(List<WarmupMode> modes, CaSslConfig cfg) {
        List<String> k = new ArrayList<>();
        k.add("baseline");
        if (cfg.baselineLong() != null) {
            k.add(CaSslPipeline.BASELINE_LONG);
        }
        if (cfg.labeledWarmup()) {
            k.add(CaSslPipeline.LABELED_WARMUP);
        }
        modes.forEach(m -> k.add(m.resultKey()));
        return k;
    }
}
