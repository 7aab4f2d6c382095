package org.cassl.training.api;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a job ended. Failures are not results: they throw ({@link CasslException}).
 *
 * @param status     completed, or cancelled (resumable: run the job again)
 * @param iterations for training: iterations done (of the last stage run); for pseudo-labelling:
 *                   images labelled
 * @param output     the job's output: the run folder, the experiment folder, or the pseudo-label file
 * @param weights    the final weights (safetensors) of a completed training job; null otherwise
 * @param metrics    final validation metrics per model ({@code "model"} for a training job,
 *                   {@code "baseline"}, {@code "ca_ssl"}, {@code "class_aware"} for CA-SSL; empty
 *                   without validation data or when cancelled); each map has the 12
 *                   {@link CocoStats#NAMES} (and {@code mask_}-prefixed ones with a mask head)
 * @param message    a one-line summary, as the command line prints it
 */
public record JobResult(Status status, long iterations, Path output, Path weights,
                        Map<String, Map<String, Double>> metrics, String message) {
    /** How a job ended. */
    public enum Status {
        /** The job ran to the end. */
        COMPLETED,
        /** {@link Job#cancel()} stopped it at an iteration boundary; running it again resumes. */
        CANCELLED
    }

    /**
     * Copies the metrics.
     *
     * @param status how it ended
     * @param iterations iterations or images done
     * @param output the output path
     * @param weights the final weights, or null
     * @param metrics metrics per model (copied)
     * @param message a summary
     * @throws NullPointerException if {@code status}, {@code metrics} or {@code message} is null
     */
    public JobResult {
        java.util.Objects.requireNonNull(status, "status");
        java.util.Objects.requireNonNull(message, "message");
        Map<String, Map<String, Double>> m = new LinkedHashMap<>();
        metrics.forEach((k, v) -> m.put(k, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        metrics = java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Whether the job ran to the end.
     *
     * @return {@code status() == COMPLETED}
     */
    public boolean completed() {
        return status == Status.COMPLETED;
    }

    /**
     * The box stats of one model.
     *
     * @param model a key of {@link #metrics()}
     * @return its 12 COCO box stats, or null when it was not evaluated
     */
    public CocoStats stats(String model) {
        Map<String, Double> m = metrics.get(model);
        return m == null ? null : CocoStats.fromMap(m, "");
    }
}
