package org.cassl.app.cli;

import org.cassl.training.api.Defaults;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cassl.training.UserInputException;
import org.cassl.training.api.JobListener;
import org.cassl.training.api.JobResult;
import org.cassl.training.api.TrainingJob;
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

    @Option(names = "--init", paramLabel = "W", description = "Start from these weights (safetensors or a PyTorch .pth/.pt).")
    Path init;

    @Option(names = "--backbone-weights", paramLabel = "FILE",
            description = {"Start the backbone from a torchvision ImageNet checkpoint of the config's backbone (.pth or",
                "safetensors; fc.* ignored); FrozenBatchNorm and 3 trainable layers unless the config sets",
                "frozen_bn / trainable_backbone_layers."})
    Path backboneWeights;

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

    @Option(names = "--batch", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch = Defaults.BATCH;

    @Option(names = "--lr", description = "Base learning rate (default: ${DEFAULT-VALUE}).")
    double lr = Defaults.LR;

    @Option(names = "--optimizer", description = "sgd or adamw (default: ${DEFAULT-VALUE}).")
    String optimizer = Defaults.OPTIMIZER;

    @Option(names = "--schedule", description = "multistep, cosine or constant (default: ${DEFAULT-VALUE}).")
    String schedule = Defaults.SCHEDULE;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Linear warmup iterations (default: min(500, iters/5)).")
    int warmup = Defaults.WARMUP_ITERS;

    @Option(names = "--weight-decay", description = "Weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay = Defaults.WEIGHT_DECAY;

    @Option(names = "--ema-decay", paramLabel = "D", description = "Weight EMA (0: off; e.g. 0.99): evaluations and "
            + "model.safetensors are the averaged weights (default: ${DEFAULT-VALUE}).")
    double emaDecay = Defaults.EMA_DECAY;

    @Option(names = "--seed", description = "Seed of init, data order and augmentation.")
    long seed = Defaults.SEED;

    @Option(names = "--workers", description = "Data-loading threads (default: ${DEFAULT-VALUE}).")
    int workers = Defaults.WORKERS;

    @Option(names = "--eval-every", paramLabel = "N",
            description = "Evaluate every N iterations (0: only at the end).")
    int evalEvery = Defaults.EVAL_EVERY;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Checkpoint every N iterations (default: ${DEFAULT-VALUE}).")
    int checkpointEvery = Defaults.CHECKPOINT_EVERY;

    @Option(names = "--no-augment", description = "Disable flips and colour jitter.")
    boolean noAugment;

    @Option(names = "--resume", description = "Continue the run in --out from its newest checkpoint.")
    boolean resume;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() {
        String device = compute.apply();
        if ((valAnn == null) != (valImages == null)) {
            throw new UserInputException("--val-ann and --val-images go together");
        }
        if (reinitClassLogits && init == null) {
            throw new UserInputException("--reinit-class-logits needs --init");
        }
        if (backboneWeights != null && init != null) {
            throw new UserInputException("--backbone-weights and --init exclude each other (--init weights hold the backbone)");
        }
        if (!resume && TrainingJob.holdsRun(out)) {
            throw new UserInputException(out + " already holds a run; use --resume to continue it, or another --out");
        }
        TrainingJob.Builder b = TrainingJob.builder(config, ann, images, out).batchSize(batch).learningRate(lr)
                .optimizer(optimizer).schedule(schedule).warmupIterations(warmup).weightDecay(weightDecay).seed(seed)
                .workers(workers).evalEvery(evalEvery).checkpointEvery(checkpointEvery).classAgnostic(classAgnostic)
                .augment(!noAugment).resume(resume).device(device).listener(JobListener.progressBar());
        try {
            b.emaDecay(emaDecay);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--ema-decay: " + e.getMessage());
        }
        if (length != null && length.iters != null) {
            b.iterations(length.iters);
        } else if (length != null && length.epochs != null) {
            b.epochs(length.epochs);
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
        JobResult r = b.build().run();
        System.err.println(r.message());
        if (r.metrics().containsKey("model")) {
            Map<String, Double> m = r.metrics().get("model");
            System.out.println(String.format(Locale.ROOT, "AP %.4f  AP50 %.4f  AP75 %.4f  (weights: %s)",
                    m.getOrDefault("AP", Double.NaN), m.getOrDefault("AP50", Double.NaN), m.getOrDefault("AP75", Double.NaN),
                    r.weights()));
        }
        return 0;
    }
}
