package org.cassl.spark.cli;

import java.util.concurrent.Callable;
import org.cassl.spark.SparkRunner;
import org.cassl.spark.SparkTrain;
import org.cassl.training.UserInputException;
import org.cassl.training.api.Defaults;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cassl spark train}: {@code cassl train} as data-parallel replicas in one Spark barrier stage. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train FCOS data-parallel on Spark: N replicas in one barrier stage, each on its slice of every global",
            "batch (N x --batch images), gradients averaged over a TCP ring after each backward pass. Rank 0 writes the",
            "run folder (the same files as `cassl train`); a stage Spark retries resumes from its last checkpoint.",
            "--ann, --images and --out must be paths every executor sees (one machine, or a shared mount)."})
final class SparkTrainCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "C.json", description = "Model config JSON.")
    String config;

    @Option(names = "--ann", required = true, paramLabel = "A.json", description = "Training annotations (COCO).")
    String ann;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Training image folder.")
    String images;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run folder (shared by the replicas).")
    String out;

    @Option(names = "--val-ann", paramLabel = "V.json", description = "Validation annotations (rank 0 evaluates).")
    String valAnn;

    @Option(names = "--val-images", paramLabel = "DIR", description = "Validation image folder.")
    String valImages;

    @Option(names = "--init", paramLabel = "W", description = "Start from these weights (safetensors or a PyTorch .pth/.pt).")
    String init;

    @Option(names = "--backbone-weights", paramLabel = "FILE", description = "Start the backbone from torchvision ImageNet weights.")
    String backboneWeights;

    @Option(names = "--reinit-class-logits", description = "With --init: re-initialise the class-specific layers.")
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

    @Mixin
    SparkCommand.ReplicaOptions replicaOptions;

    @Option(names = "--batch", description = "Images per replica per step; the global batch is replicas x batch (default: ${DEFAULT-VALUE}).")
    int batch = Defaults.BATCH;

    @Option(names = "--lr", description = "Base learning rate, for the global batch (default: ${DEFAULT-VALUE}).")
    double lr = Defaults.LR;

    @Option(names = "--optimizer", description = "sgd or adamw (default: ${DEFAULT-VALUE}).")
    String optimizer = Defaults.OPTIMIZER;

    @Option(names = "--schedule", description = "multistep, cosine or constant (default: ${DEFAULT-VALUE}).")
    String schedule = Defaults.SCHEDULE;

    @Option(names = "--warmup", paramLabel = "N", description = "Linear warmup iterations (default: min(500, iters/5)).")
    int warmup = Defaults.WARMUP_ITERS;

    @Option(names = "--weight-decay", description = "Weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay = Defaults.WEIGHT_DECAY;

    @Option(names = "--seed", description = "Seed of init, data order and augmentation.")
    long seed = Defaults.SEED;

    @Option(names = "--workers", description = "Data-loading threads per replica (default: ${DEFAULT-VALUE}).")
    int workers = Defaults.WORKERS;

    @Option(names = "--eval-every", paramLabel = "N", description = "Evaluate every N iterations (0: only at the end).")
    int evalEvery = Defaults.EVAL_EVERY;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Checkpoint every N iterations (default: ${DEFAULT-VALUE}).")
    int checkpointEvery = Defaults.CHECKPOINT_EVERY;

    @Option(names = "--no-augment", description = "Disable flips and colour jitter.")
    boolean noAugment;


    @Option(names = "--resume", description = "Continue the run in --out from its newest checkpoint.")
    boolean resume;

    @Mixin
    SparkCommand.SparkOptions spark;

    @Override
    public Integer call() {
        if (!SparkRunner.sparkPresent()) {
            throw new UserInputException(SparkRunner.HOW_TO_GET_SPARK);
        }
        SparkTrain.Spec spec = new SparkTrain.Spec(config, ann, images, out, valAnn, valImages, init, reinitClassLogits,
                backboneWeights, classAgnostic, length == null ? null : length.iters, length == null ? null : length.epochs,
                batch, lr, optimizer, schedule, warmup, weightDecay, seed, workers, evalEvery, checkpointEvery, !noAugment, resume,
                replicaOptions.replicas, replicaOptions.retries, -1);
        System.out.println(SparkRunner.train(spark.master, spark.conf, spec));
        return 0;
    }
}
