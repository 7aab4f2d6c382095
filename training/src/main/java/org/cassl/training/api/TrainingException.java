package org.cassl.training.api;

/** A training run cannot continue: a non-finite loss or gradient, or a run folder written with another configuration. The last good checkpoint stays in place. */
public class TrainingException extends CasslException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what went wrong
     */
    public TrainingException(String message) {
        super(message);
    }

    /**
     * An exception with a message and the underlying cause.
     *
     * @param message what went wrong
     * @param cause   the failure it reports
     */
    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
