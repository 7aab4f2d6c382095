package org.cassl.training.trainer;

import java.util.Map;

/**
 * What one logged iteration reports.
 *
 * @param iteration     completed iterations (1-based)
 * @param total         planned iterations
 * @param lr            learning rate of the first parameter group
 * @param losses        loss components (averaged over the iterations since the last record)
 * @param loss          their sum
 * @param secondsPerIteration wall time per iteration since the last record
 * @param imagesPerSecond     throughput since the last record
 * @param gradNorm      global gradient norm before clipping (NaN when not computed)
 */
public record IterationRecord(long iteration, long total, double lr, Map<String, Double> losses, double loss,
                              double secondsPerIteration, double imagesPerSecond, double gradNorm) {
}
