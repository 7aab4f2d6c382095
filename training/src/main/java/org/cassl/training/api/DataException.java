package org.cassl.training.api;

/** Annotation files, image folders or lists, or a run folder are missing, malformed or in conflict (for example a training output folder that already holds a run while resume is off). */
public class DataException extends CasslException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what went wrong
     */
    public DataException(String message) {
        super(message);
    }

    /**
     * An exception with a message and the underlying cause.
     *
     * @param message what went wrong
     * @param cause   the failure it reports
     */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
