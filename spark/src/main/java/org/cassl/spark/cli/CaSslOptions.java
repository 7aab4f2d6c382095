package org.cassl.spark.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.cassl.training.UserInputException;
import org.cassl.training.data.Augmentation;
import org.cassl.training.api.CaSslJob;
import org.cassl.training.api.Defaults;
import picocli.CommandLine.Option;

/**
 * The options of {@code cassl ca-ssl} that {@code cassl spark ca-ssl} shares (a picocli mixin; the
 * one-machine command in {@code app} uses it too, so both parse the same flags). The batch size and
 * the device are not here: their meaning differs (global batch vs per replica, process device vs
 * executor device).
 */
public final class CaSslOptions {
    @Option(names = "--labeled", required = true, paramLabel = "A.json", description = "Labeled annotations.")
    public Path labeled;

    @Option(names = "--labeled-images", required = true, paramLabel = "DIR", description = "Labeled image folder.")
    public Path labeledImages;

    @Option(names = "--unlabeled", required = true, paramLabel = "DIR|LIST",
            description = "Unlabeled image folder, or a text file listing images.")
    public Path unlabeled;

    @Option(names = "--val", required = true, paramLabel = "V.json", description = "Validation annotations.")
    public Path val;

    @Option(names = "--val-images", required = true, paramLabel = "DIR", description = "Validation image folder.")
    public Path valImages;

    @Option(names = "--config", required = true, paramLabel = "C.json", description = "Model config (labeled classes).")
    public Path config;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Experiment folder.")
    public Path out;

    @Option(names = "--warmup", paramLabel = "MODE",
            description = "class-agnostic (CA-SSL), class-aware (ablation) or both (default: ${DEFAULT-VALUE}).")
    public String warmup = "class-agnostic";

    @Option(names = "--tau", description = "Pseudo-label score threshold (default: ${DEFAULT-VALUE}).")
    public double tau = Defaults.TAU;

    @Option(names = "--iters", description = "Iterations of each stage (default: ${DEFAULT-VALUE}).")
    public long iters = Defaults.CA_SSL_ITERS;

    @Option(names = "--warmup-iters", paramLabel = "N", description = "Iterations of the warmup (default: --iters).")
    public Long warmupIters;

    @Option(names = "--lr", description = "Base learning rate (default: ${DEFAULT-VALUE}).")
    public double lr = Defaults.LR;

    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
    public long seed = Defaults.SEED;

    @Option(names = "--workers", description = "Data-loading threads (default: ${DEFAULT-VALUE}).")
    public int workers = Defaults.WORKERS;

    @Option(names = "--backbone-weights", paramLabel = "FILE",
            description = {"torchvision ImageNet checkpoint of the config's backbone (.pth or safetensors; fc.* ignored)",
                "for the baseline and the warmup backbones; FrozenBatchNorm and 3 trainable layers unless the config",
                "sets frozen_bn / trainable_backbone_layers."})
    public Path backboneWeights;

    @Option(names = "--teacher-iters", paramLabel = "N", description = "Iterations of the teacher/baseline (default: --iters).")
    public Long teacherIters;

    @Option(names = "--controls", description = "Also train the compute-matched controls: labeled-only for warmup + fine-tune "
            + "iterations, and a class-agnostic warmup on the labeled set then the fine-tune; prints the gain over the better.")
    public boolean controls;

    @Option(names = "--schedule", paramLabel = "NAME", description = "Learning-rate schedule of every stage: multistep, "
            + "cosine or constant, after a linear warmup (default: ${DEFAULT-VALUE}).")
    public String schedule = Defaults.SCHEDULE;

    @Option(names = "--test", paramLabel = "T.json", description = "Test annotations: every model is reported on them "
            + "(validation then only serves curves and choices).")
    public Path test;

    @Option(names = "--test-images", paramLabel = "DIR", description = "Test image folder (with --test).")
    public Path testImages;

    @Option(names = "--optimizer", description = "Optimiser of every stage: sgd or adamw (default: ${DEFAULT-VALUE}).")
    public String optimizer = Defaults.OPTIMIZER;

    @Option(names = "--weight-decay", description = "Weight decay of every stage (default: ${DEFAULT-VALUE}).")
    public double weightDecay = Defaults.WEIGHT_DECAY;

    @Option(names = "--ema-decay", paramLabel = "D", description = "Weight EMA of every stage (0: off; e.g. 0.99): "
            + "evaluations, the teacher and the final models are the averaged weights (default: ${DEFAULT-VALUE}).")
    public double emaDecay = Defaults.EMA_DECAY;

    @Option(names = "--augment", paramLabel = "NAME", description = "Augmentation of every stage: none, standard (left-right "
            + "flips, colour jitter) or dihedral (also top-bottom flips and transposes, for data with no 'up') "
            + "(default: ${DEFAULT-VALUE}).")
    public String augment = "standard";

    /**
     * The job these options describe, with {@code batch} images per step (global) and no listener
     * or device yet.
     *
     * @param batch     the global batch
     * @param absolute  make every path absolute (the Spark front end: executors run elsewhere)
     * @return the builder
     * @throws UserInputException with one line for an inconsistent option
     */
    public CaSslJob.Builder builder(int batch, boolean absolute) {
        boolean agnostic;
        boolean aware;
        switch (warmup.toLowerCase(Locale.ROOT)) {
            case "class-agnostic" -> { agnostic = true; aware = false; }
            case "class-aware" -> { agnostic = false; aware = true; }
            case "both" -> { agnostic = true; aware = true; }
            default -> throw new UserInputException("--warmup must be class-agnostic, class-aware or both, got " + warmup);
        }
        if ((test == null) != (testImages == null)) {
            throw new UserInputException("--test and --test-images go together");
        }
        if (batch < 1) {
            throw new UserInputException("--batch must be at least 1, got " + batch);
        }
        CaSslJob.Builder b;
        try {
            b = CaSslJob.builder(p(config, absolute), p(labeled, absolute), p(labeledImages, absolute), p(unlabeled, absolute),
                    p(val, absolute), p(valImages, absolute), p(out, absolute))
                    .iterations(iters).batchSize(batch).learningRate(lr).seed(seed).workers(workers).tau(tau)
                    .warmups(agnostic, aware).augmentation(Augmentation.named(augment));
            if (warmupIters != null) {
                b.warmupIterations(warmupIters);
            }
            if (teacherIters != null) {
                b.teacherIterations(teacherIters);
            }
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        if (backboneWeights != null) {
            b.backboneWeights(p(backboneWeights, absolute));
        }
        if (test != null) {
            b.test(p(test, absolute), p(testImages, absolute));
        }
        try {
            b.schedule(schedule).controls(controls);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--schedule: " + e.getMessage());
        }
        try {
            b.optimizer(optimizer, weightDecay).emaDecay(emaDecay);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        return b;
    }

    private static Path p(Path p, boolean absolute) {
        return absolute ? p.toAbsolutePath().normalize() : p;
    }
}
