package org.cassl.training.api;

import java.util.Map;

/**
 * What a training stage reports after each iteration.
 *
 * @param stage               the stage's name ({@code "train"}, or a CA-SSL stage such as
 *                            {@code "baseline"}, {@code "warmup-agnostic"}, {@code "finetune-agnostic"})
 * @param iteration           iterations done (1-based)
 * @param totalIterations     iterations planned for the stage
 * @param learningRate        the learning rate of this iteration
 * @param losses              loss components of this iteration ({@code classification},
 *                            {@code bbox_regression}, {@code bbox_ctrness}, and {@code mask} with a
 *                            mask head)
 * @param loss                their sum
 * @param secondsPerIteration wall time of this iteration
 * @param imagesPerSecond     throughput of this iteration
 */
public record IterationProgress(String stage, long iteration, long totalIterations, double learningRate,
                                Map<String, Double> losses, double loss, double secondsPerIteration,
                                double imagesPerSecond) {
    /**
     * Copies the loss map.
     *
     * @param stage the stage
     * @param iteration iterations done
     * @param totalIterations iterations planned
     * @param learningRate the learning rate
     * @param losses the loss components (copied)
     * @param loss their sum
     * @param secondsPerIteration wall time of the iteration
     * @param imagesPerSecond throughput
     * @throws NullPointerException if {@code losses} is null
     */
    public IterationProgress {
        losses = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(losses));
    }
}
