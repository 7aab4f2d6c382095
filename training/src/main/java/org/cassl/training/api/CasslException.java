package org.cassl.training.api;

/**
 * The base of the exceptions the API throws when an operation fails for a reason other than a
 * bad argument: a file that cannot be read, a model that does not fit its config, a training run
 * that cannot continue. Unchecked; the message is one line saying what went wrong and with which
 * file or setting.
 *
 * <p>The hierarchy:
 * <ul>
 *   <li>{@link ModelLoadException}: a config or weights file is missing or does not fit;</li>
 *   <li>{@link ImageException}: an image file is missing or cannot be decoded;</li>
 *   <li>{@link DataException}: annotation files, image lists or run folders are missing,
 *       malformed or in conflict;</li>
 *   <li>{@link TrainingException}: a training run cannot continue (a non-finite loss, a run
 *       folder written with another configuration).</li>
 * </ul>
 *
 * <p>Bad arguments are reported with the standard exceptions instead: {@link NullPointerException}
 * for a null argument, {@link IllegalArgumentException} for a value out of range (an empty image, a
 * wrong channel count, a negative batch size), {@link IllegalStateException} for a call on a
 * closed {@link Detector} or job.
 */
public class CasslException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what went wrong
     */
    public CasslException(String message) {
        super(message);
    }

    /**
     * An exception with a message and the underlying cause.
     *
     * @param message what went wrong
     * @param cause   the failure it reports
     */
    public CasslException(String message, Throwable cause) {
        super(message, cause);
    }
}
