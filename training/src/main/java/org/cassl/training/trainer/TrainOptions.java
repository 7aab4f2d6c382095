package org.cassl.training.trainer;

/**
 * How a run trains. Defaults follow torchvision's detection reference recipe scaled to the run
 * (SGD momentum 0.9, weight decay 1e-4 without decay on norms and biases, linear warmup from
 * 1/1000, steps at 2/3 and 8/9 of the run with gamma 0.1).
 *
 * @param iterations       total optimiser steps
 * @param batchSize        images per step
 * @param lr               base learning rate
 * @param momentum         SGD momentum (ignored by AdamW)
 * @param weightDecay      weight decay (not applied to norm weights and biases)
 * @param optimizer        "sgd" or "adamw"
 * @param warmupIters      linear warmup length
 * @param warmupFactor     starting factor of the warmup
 * @param schedule         "multistep" (at 2/3 and 8/9 of the run), "cosine" or "constant"
 * @param clipNorm         gradient clipping by global norm (0 = off)
 * @param seed             seed of the data order, augmentation and in-model sampling
 * @param workers          data-loading threads
 * @param prefetch         batches decoded ahead
 * @param logEvery         iterations between metric lines
 * @param checkpointEvery  iterations between checkpoints (the last iteration always checkpoints)
 * @param keepCheckpoints  how many checkpoints to keep
 * @param evalEvery        iterations between evaluations (0 = only at the end, when an evaluator is set)
 * @param emaDecay         weight EMA decay in (0, 1), or 0 for none (the default): with it, evaluations and the
 *                         final weights are the averaged ones ({@link WeightEma}); left out of the options' JSON
 *                         when 0, so run fingerprints without EMA are unchanged
 */
public record TrainOptions(long iterations, int batchSize, double lr, double momentum, double weightDecay,
                           String optimizer, int warmupIters, double warmupFactor, String schedule, double clipNorm,
                           long seed, int workers, int prefetch, int logEvery, int checkpointEvery, int keepCheckpoints,
                           int evalEvery,
                           @com.fasterxml.jackson.annotation.JsonInclude(
                                   com.fasterxml.jackson.annotation.JsonInclude.Include.NON_DEFAULT) double emaDecay) {

    /** Options without weight EMA. */
    public TrainOptions(long iterations, int batchSize, double lr, double momentum, double weightDecay,
                        String optimizer, int warmupIters, double warmupFactor, String schedule, double clipNorm,
                        long seed, int workers, int prefetch, int logEvery, int checkpointEvery, int keepCheckpoints,
                        int evalEvery) {
        this(iterations, batchSize, lr, momentum, weightDecay, optimizer, warmupIters, warmupFactor, schedule, clipNorm,
                seed, workers, prefetch, logEvery, checkpointEvery, keepCheckpoints, evalEvery, 0);
    }

    public TrainOptions {
        if (!(emaDecay == 0 || (emaDecay > 0 && emaDecay < 1))) {
            throw new IllegalArgumentException("EMA decay must be 0 (off) or in (0, 1), got " + emaDecay);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1, got " + iterations);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + lr);
        }
        if (!optimizer.equals("sgd") && !optimizer.equals("adamw")) {
            throw new IllegalArgumentException("optimizer must be sgd or adamw, got " + optimizer);
        }
        if (!schedule.equals("multistep") && !schedule.equals("cosine") && !schedule.equals("constant")) {
            throw new IllegalArgumentException("schedule must be multistep, cosine or constant, got " + schedule);
        }
    }

    /**
     * The training recipe of the API and the command line: these options with the fixed parts
     * (momentum 0.9, warmup factor 0.001, clip norm 10, prefetch 4, log every 20, keep 2
     * checkpoints). A negative {@code warmup} means min(500, iterations / 5).
     *
     * @throws IllegalArgumentException when an option is out of range
     */
    public static TrainOptions recipe(long iterations, int batchSize, double lr, String optimizer, String schedule,
                                      int warmup, double weightDecay, long seed, int workers, int evalEvery,
                                      int checkpointEvery) {
        int w = warmup >= 0 ? warmup : (int) Math.min(500, iterations / 5);
        return new TrainOptions(iterations, batchSize, lr, 0.9, weightDecay, optimizer.toLowerCase(java.util.Locale.ROOT),
                w, 0.001, schedule.toLowerCase(java.util.Locale.ROOT), 10.0, seed, Math.max(0, workers), 4, 20,
                Math.max(1, checkpointEvery), 2, Math.max(0, evalEvery));
    }

    public static TrainOptions defaults(long iterations, int batchSize, double lr) {
        return new TrainOptions(iterations, batchSize, lr, 0.9, 1e-4, "sgd", (int) Math.min(500, iterations / 5), 0.001,
                "multistep", 10.0, 0, 2, 4, 20, (int) Math.max(1, Math.min(iterations, 500)), 2, 0);
    }

    public TrainOptions withSeed(long s) {
        return new TrainOptions(iterations, batchSize, lr, momentum, weightDecay, optimizer, warmupIters, warmupFactor,
                schedule, clipNorm, s, workers, prefetch, logEvery, checkpointEvery, keepCheckpoints, evalEvery, emaDecay);
    }

    public TrainOptions withIterations(long n) {
        return new TrainOptions(n, batchSize, lr, momentum, weightDecay, optimizer, warmupIters, warmupFactor,
                schedule, clipNorm, seed, workers, prefetch, logEvery, checkpointEvery, keepCheckpoints, evalEvery, emaDecay);
    }

    public TrainOptions withEvalEvery(int n) {
        return new TrainOptions(iterations, batchSize, lr, momentum, weightDecay, optimizer, warmupIters, warmupFactor,
                schedule, clipNorm, seed, workers, prefetch, logEvery, checkpointEvery, keepCheckpoints, n, emaDecay);
    }

    public TrainOptions withCheckpointEvery(int n) {
        return new TrainOptions(iterations, batchSize, lr, momentum, weightDecay, optimizer, warmupIters, warmupFactor,
                schedule, clipNorm, seed, workers, prefetch, logEvery, n, keepCheckpoints,
                evalEvery, emaDecay);
    }

    public TrainOptions withWarmup(int iters) {
        return new TrainOptions(iterations, batchSize, lr, momentum, weightDecay, optimizer, iters, warmupFactor,
                schedule, clipNorm, seed, workers, prefetch, logEvery, checkpointEvery, keepCheckpoints, evalEvery, emaDecay);
    }

    public TrainOptions withLogEvery(int n) {
        return new TrainOptions(iterations, batchSize, lr, momentum, weightDecay, optimizer, warmupIters, warmupFactor,
                schedule, clipNorm, seed, workers, prefetch, n, checkpointEvery, keepCheckpoints, evalEvery, emaDecay);
    }

    /** These options with weight EMA of this decay (0: none). */
    public TrainOptions withEmaDecay(double decay) {
        return new TrainOptions(iterations, batchSize, lr, momentum, weightDecay, optimizer, warmupIters, warmupFactor,
                schedule, clipNorm, seed, workers, prefetch, logEvery, checkpointEvery, keepCheckpoints, evalEvery, decay);
    }

    /** These options with another optimiser ("sgd" or "adamw") and weight decay. */
    public TrainOptions withOptimizer(String name, double decay) {
        return new TrainOptions(iterations, batchSize, lr, momentum, decay, name, warmupIters, warmupFactor,
                schedule, clipNorm, seed, workers, prefetch, logEvery, checkpointEvery, keepCheckpoints, evalEvery, emaDecay);
    }
}
