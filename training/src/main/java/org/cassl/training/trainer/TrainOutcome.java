package org.cassl.training.trainer;

import java.nio.file.Path;
import java.util.Map;

/**
 * How a run ended.
 *
 * @param status       completed, cancelled (resumable) or failed
 * @param iterations   iterations completed
 * @param lastCheckpoint the newest checkpoint folder, or null
 * @param finalMetrics the last evaluation's metrics (empty without an evaluator)
 * @param message      a human-readable summary
 */
public record TrainOutcome(Status status, long iterations, Path lastCheckpoint, Map<String, Double> finalMetrics,
                           String message) {
    /** The end states of a run. */
    public enum Status { COMPLETED, CANCELLED, FAILED }
}
