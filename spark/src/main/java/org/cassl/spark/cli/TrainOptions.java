package org.cassl.spark.cli;

import java.nio.file.Path;
import org.cassl.training.UserInputException;
import org.cassl.training.data.Augmentation;
import org.cassl.training.api.Defaults;
import org.cassl.training.api.TrainingJob;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The options of {@code cassl train}, shared by {@code cassl spark train} (a picocli mixin). The
 * batch size and the device are not here: on Spark {@code --batch} is per replica and the device
 * is the executor's.
 */
public final class TrainOptions {
    @Option(names = "--config", required = true, paramLabel = "C.json", description = "Model config JSON.")
    public Path config;

    @Option(names = "--ann", required = true, paramLabel = "A.json", description = "Training annotations (COCO).")
    public Path ann;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Training image folder.")
    public Path images;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run folder.")
    public Path out;

    @Option(names = "--val-ann", paramLabel = "V.json", description = "Validation annotations, evaluated periodically.")
    public Path valAnn;

    @Option(names = "--val-images", paramLabel = "DIR", description = "Validation image folder.")
    public Path valImages;

    @Option(names = "--init", paramLabel = "W", description = "Start from these weights (safetensors or a PyTorch .pth/.pt).")
    public Path init;

    @Option(names = "--backbone-weights", paramLabel = "FILE",
            description = {"Start the backbone from a torchvision ImageNet checkpoint of the config's backbone (.pth or",
                "safetensors; fc.* ignored); FrozenBatchNorm and 3 trainable layers unless the config sets",
                "frozen_bn / trainable_backbone_layers."})
    public Path backboneWeights;

    @Option(names = "--reinit-class-logits",
            description = "With --init: keep every weight except the class-specific layers (class logits; per-class mask logits of the roi head), as CA-SSL stage 3 does.")
    public boolean reinitClassLogits;

    @Option(names = "--class-agnostic", description = "Train every object as one class \"object\" (num_classes 2).")
    public boolean classAgnostic;

    @ArgGroup(exclusive = true)
    public Length length;

    /** Iterations or epochs. */
    public static final class Length {
        @Option(names = "--iters", paramLabel = "N", description = "Optimiser steps.")
        public Long iters;

        @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training set.")
        public Integer epochs;
    }

    @Option(names = "--lr", description = "Base learning rate (default: ${DEFAULT-VALUE}).")
    public double lr = Defaults.LR;

    @Option(names = "--optimizer", description = "sgd or adamw (default: ${DEFAULT-VALUE}).")
    public String optimizer = Defaults.OPTIMIZER;

    @Option(names = "--schedule", description = "multistep, cosine or constant (default: ${DEFAULT-VALUE}).")
    public String schedule = Defaults.SCHEDULE;

    @Option(names = "--warmup", paramLabel = "N", description = "Linear warmup iterations (default: min(500, iters/5)).")
    public int warmup = Defaults.WARMUP_ITERS;

    @Option(names = "--weight-decay", description = "Weight decay (default: ${DEFAULT-VALUE}).")
    public double weightDecay = Defaults.WEIGHT_DECAY;

    @Option(names = "--ema-decay", paramLabel = "D", description = "Weight EMA (0: off; e.g. 0.99): evaluations and "
            + "model.safetensors are the averaged weights (default: ${DEFAULT-VALUE}).")
    public double emaDecay = Defaults.EMA_DECAY;

    @Option(names = "--seed", description = "Seed of init, data order and augmentation.")
    public long seed = Defaults.SEED;

    @Option(names = "--workers", description = "Data-loading threads (default: ${DEFAULT-VALUE}).")
    public int workers = Defaults.WORKERS;

    @Option(names = "--eval-every", paramLabel = "N", description = "Evaluate every N iterations (0: only at the end).")
    public int evalEvery = Defaults.EVAL_EVERY;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Checkpoint every N iterations (default: ${DEFAULT-VALUE}).")
    public int checkpointEvery = Defaults.CHECKPOINT_EVERY;

    @Option(names = "--no-augment", description = "Disable flips and colour jitter (the same as --augment none).")
    public boolean noAugment;

    @Option(names = "--augment", paramLabel = "NAME", description = "none, standard (left-right flips, colour jitter) or "
            + "dihedral (also top-bottom flips and transposes: every multiple of 90 degrees, for data with no 'up') "
            + "(default: ${DEFAULT-VALUE}).")
    public String augment = "standard";

    /** The augmentation these options name. */
    public Augmentation augmentation() {
        if (noAugment && !augment.equals("standard") && !augment.equals("none")) {
            throw new UserInputException("--no-augment and --augment " + augment + " contradict each other");
        }
        if (noAugment) {
            return Augmentation.NONE;
        }
        try {
            return Augmentation.named(augment);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--augment: " + e.getMessage());
        }
    }

    /** The name of {@link #augmentation()}: {@code none} under --no-augment, else --augment's. */
    public String augmentationName() {
        return augmentation() == Augmentation.NONE ? "none" : augment;
    }

    @Option(names = "--resume", description = "Continue the run in --out from its newest checkpoint.")
    public boolean resume;

    /** Iterations, or null. */
    public Long iters() {
        return length == null ? null : length.iters;
    }

    /** Epochs, or null. */
    public Integer epochs() {
        return length == null ? null : length.epochs;
    }

    /**
     * Checks the combinations.
     *
     * @throws UserInputException with one line for the first that does not fit
     */
    public void check() {
        if ((valAnn == null) != (valImages == null)) {
            throw new UserInputException("--val-ann and --val-images go together");
        }
        augmentation();
        if (reinitClassLogits && init == null) {
            throw new UserInputException("--reinit-class-logits needs --init");
        }
        if (backboneWeights != null && init != null) {
            throw new UserInputException("--backbone-weights and --init exclude each other (--init weights hold the backbone)");
        }
        if (!resume && TrainingJob.holdsRun(out)) {
            throw new UserInputException(out + " already holds a run; use --resume to continue it, or another --out");
        }
    }

    /**
     * The one-machine job these options describe, with {@code batch} images per step; no device or
     * listener yet.
     */
    public TrainingJob.Builder builder(int batch) {
        check();
        TrainingJob.Builder b = TrainingJob.builder(config, ann, images, out).batchSize(batch).learningRate(lr)
                .optimizer(optimizer).schedule(schedule).warmupIterations(warmup).weightDecay(weightDecay).seed(seed)
                .workers(workers).evalEvery(evalEvery).checkpointEvery(checkpointEvery).classAgnostic(classAgnostic)
                .augmentation(augmentation()).resume(resume);
        try {
            b.emaDecay(emaDecay);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--ema-decay: " + e.getMessage());
        }
        if (iters() != null) {
            b.iterations(iters());
        } else if (epochs() != null) {
            b.epochs(epochs());
        }
        if (valAnn != null) {
            b.validation(valAnn, valImages);
        }
        if (init != null) {
            b.init(init, reinitClassLogits);
        }
        if (backboneWeights != null) {
            b.backboneWeights(backboneWeights);
        }
        return b;
    }

    static String s(Path p) {
        return p == null ? null : p.toString();
    }
}
