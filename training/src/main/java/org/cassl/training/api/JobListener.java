package org.cassl.training.api;

import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;

/**
 * Receives the progress of a {@link Job}. Every method has an empty default, so implement only
 * what you need. Calls come from the thread running the job, one at a time; a listener must not
 * block for long (the job waits for it). The command line's progress bar is one listener:
 * {@link #progressBar()}.
 *
 * <pre>{@code
 * JobListener losses = new JobListener() {
 *     public void onIteration(IterationProgress p) {
 *         System.out.printf("%s %d/%d loss %.3f%n", p.stage(), p.iteration(), p.totalIterations(), p.loss());
 *     }
 * };
 * }</pre>
 */
public interface JobListener {
    /**
     * A stage of a multi-stage job begins (CA-SSL: {@code "baseline"}, {@code "pseudo-label"},
     * {@code "warmup-agnostic"}, ...).
     *
     * @param stage       the stage's name
     * @param description a one-line description
     */
    default void onStage(String stage, String description) {
    }

    /**
     * A training stage starts, or resumes from a checkpoint.
     *
     * @param stage           the stage's name
     * @param startIteration  0, or the checkpoint's iteration when resuming
     * @param totalIterations iterations planned
     */
    default void onStart(String stage, long startIteration, long totalIterations) {
    }

    /**
     * An iteration finished.
     *
     * @param progress its losses, learning rate and throughput
     */
    default void onIteration(IterationProgress progress) {
    }

    /**
     * A validation evaluation finished (periodically with {@code evalEvery}, and at the end of a
     * stage with validation data).
     *
     * @param stage     the stage's name
     * @param iteration iterations done when it was evaluated
     * @param metrics   the 12 {@link CocoStats#NAMES} (and {@code mask_}-prefixed ones); see
     *                  {@link CocoStats#fromMap}
     */
    default void onMetrics(String stage, long iteration, Map<String, Double> metrics) {
    }

    /**
     * Pseudo-labelling progress.
     *
     * @param done  images labelled so far
     * @param total images to label
     */
    default void onImagesLabeled(int done, int total) {
    }

    /**
     * A stage ended.
     *
     * @param stage   the stage's name
     * @param status  completed or cancelled
     * @param message a one-line summary
     */
    default void onFinish(String stage, JobResult.Status status, String message) {
    }

    /**
     * The command line's progress bar on standard error: iterations, loss components, learning
     * rate, speed and ETA; images for pseudo-labelling.
     *
     * @return a new progress-bar listener
     */
    static JobListener progressBar() {
        return progressBar(System.err);
    }

    /**
     * The command line's progress bar on another stream.
     *
     * @param stream where to draw it
     * @return a new progress-bar listener
     * @throws NullPointerException if {@code stream} is null
     */
    static JobListener progressBar(PrintStream stream) {
        return new ProgressBarJobListener(Objects.requireNonNull(stream, "stream"));
    }
}
