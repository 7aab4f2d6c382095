package org.cassl.training.api;

/** A config or weights file is missing, malformed or does not fit the model (strict loading: every tensor must match the config). */
public class ModelLoadException extends CasslException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what went wrong
     */
    public ModelLoadException(String message) {
        super(message);
    }

    /**
     * An exception with a message and the underlying cause.
     *
     * @param message what went wrong
     * @param cause   the failure it reports
     */
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
