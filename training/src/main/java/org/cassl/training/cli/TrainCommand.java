package org.cassl.training.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoReader;
import org.cassl.training.UserInputException;
import org.cassl.training.detection.Augmentation;
import org.cassl.training.detection.LabelMode;
import org.cassl.training.pipeline.TrainRun;
import org.cassl.training.pipeline.TrainSpec;
import org.cassl.training.trainer.ProgressBarListener;
import org.cassl.training.trainer.TrainOptions;
import org.cassl.training.trainer.TrainOutcome;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cassl train}: one training run on COCO-format data. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train FCOS on a COCO-format dataset. The run folder gets config.json, train.json, metrics.jsonl,",
            "checkpoints/ (resumable with --resume), and at the end model.safetensors and eval.json."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "C.json", description = "Model config JSON.")
    Path config;

    @Option(names = "--ann", required = true, paramLabel = "A.json", description = "Training annotations (COCO).")
    Path ann;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Training image folder.")
    Path images;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run folder.")
    Path out;

    @Option(names = "--val-ann", paramLabel = "V.json", description = "Validation annotations, evaluated periodically.")
    Path valAnn;

    @Option(names = "--val-images", paramLabel = "DIR", description = "Validation image folder.")
    Path valImages;

    @Option(names = "--init", paramLabel = "W.safetensors", description = "Start from these weights.")
    Path init;

    @Option(names = "--reinit-class-logits",
            description = "With --init: keep every weight except the class-specific layers (class logits; per-class mask logits of the roi head), as CA-SSL stage 3 does.")
    boolean reinitClassLogits;

    @Option(names = "--class-agnostic", description = "Train every object as one class \"object\" (num_classes 2).")
    boolean classAgnostic;

    @ArgGroup(exclusive = true)
    Length length;

    static final class Length {
        @Option(names = "--iters", paramLabel = "N", description = "Optimiser steps.")
        Long iters;

        @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training set.")
        Integer epochs;
    }

    @Option(names = "--batch", defaultValue = CliDefaults.BATCH, description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = CliDefaults.LR, description = "Base learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--optimizer", defaultValue = CliDefaults.OPTIMIZER, description = "sgd or adamw (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--schedule", defaultValue = CliDefaults.SCHEDULE,
            description = "multistep, cosine or constant (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--warmup", defaultValue = CliDefaults.WARMUP_ITERS, paramLabel = "N",
            description = "Linear warmup iterations (default: min(500, iters/5)).")
    int warmup;

    @Option(names = "--weight-decay", defaultValue = CliDefaults.WEIGHT_DECAY, description = "Weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--seed", defaultValue = CliDefaults.SEED, description = "Seed of init, data order and augmentation.")
    long seed;

    @Option(names = "--workers", defaultValue = CliDefaults.WORKERS, description = "Data-loading threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--eval-every", defaultValue = CliDefaults.EVAL_EVERY, paramLabel = "N",
            description = "Evaluate every N iterations (0: only at the end).")
    int evalEvery;

    @Option(names = "--checkpoint-every", defaultValue = CliDefaults.CHECKPOINT_EVERY, paramLabel = "N",
            description = "Checkpoint every N iterations (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--no-augment", description = "Disable flips and colour jitter.")
    boolean noAugment;

    @Option(names = "--resume", description = "Continue the run in --out from its newest checkpoint.")
    boolean resume;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() throws Exception {
        compute.apply();
        FcosConfig cfg = ModelFiles.config(config);
        if (classAgnostic) {
            cfg = cfg.withNumClasses(2);
        }
        if ((valAnn == null) != (valImages == null)) {
            throw new UserInputException("--val-ann and --val-images go together");
        }
        if (reinitClassLogits && init == null) {
            throw new UserInputException("--reinit-class-logits needs --init");
        }
        CocoDataset train = CocoReader.read(ann);
        CocoDataset val = valAnn == null ? null : CocoReader.read(valAnn);
        long iters = iterations(train.images().size());
        TrainOptions o = options(iters, batch, lr, optimizer, schedule, warmup, weightDecay, seed, workers, evalEvery,
                checkpointEvery);
        TrainSpec spec = new TrainSpec("train", cfg, train, images, classAgnostic ? LabelMode.CLASS_AGNOSTIC
                : LabelMode.CATEGORY_ID, noAugment ? Augmentation.NONE : Augmentation.standard(), val, valImages, init,
                reinitClassLogits, o, out);
        TrainOutcome outcome = new TrainRun(spec).listener(new ProgressBarListener()).run(resume);
        System.err.println(outcome.message());
        if (!outcome.finalMetrics().isEmpty()) {
            Map<String, Double> m = new LinkedHashMap<>(outcome.finalMetrics());
            System.out.println(String.format(Locale.ROOT, "AP %.4f  AP50 %.4f  AP75 %.4f  (weights: %s)",
                    m.getOrDefault("AP", Double.NaN), m.getOrDefault("AP50", Double.NaN), m.getOrDefault("AP75", Double.NaN),
                    TrainRun.weightsOf(out)));
        }
        return 0;
    }

    private long iterations(int images) {
        if (length != null && length.iters != null) {
            if (length.iters < 1) {
                throw new UserInputException("--iters must be at least 1, got " + length.iters);
            }
            return length.iters;
        }
        int epochs = length != null && length.epochs != null ? length.epochs : CliDefaults.epochs();
        if (epochs < 1) {
            throw new UserInputException("--epochs must be at least 1, got " + epochs);
        }
        return (long) epochs * Math.max(1, images / Math.max(1, batch));
    }

    /** The recipe with the CLI's defaults (shared with ca-ssl and the API builders). */
    static TrainOptions options(long iters, int batch, double lr, String optimizer, String schedule, int warmup,
                                double weightDecay, long seed, int workers, int evalEvery, int checkpointEvery) {
        return CliDefaults.trainOptions(iters, batch, lr, optimizer, schedule, warmup, weightDecay, seed, workers, evalEvery,
                checkpointEvery);
    }
}
