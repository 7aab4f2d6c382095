package org.cassl.training.trainer;

import java.nio.file.Path;
import java.util.Map;

/** Receives a run's progress (the CLI's progress bar is one listener, the metrics log another). */
public interface TrainingListener {
    /** The run starts (or resumes) at {@code startIteration} of {@code total}. */
    default void onStart(String stage, long startIteration, long total) {
    }

    /** Called after every iteration with the running record (losses of that iteration). */
    default void onIteration(IterationRecord record) {
    }

    /** An evaluation finished: metric name to value (AP, AP50, ... as fractions). */
    default void onEvaluation(long iteration, Map<String, Double> metrics) {
    }

    default void onCheckpoint(long iteration, Path dir) {
    }

    /** The run ended (completed, cancelled or failed). */
    default void onEnd(TrainOutcome outcome) {
    }
}
