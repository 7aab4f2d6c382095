package org.cassl.training.api;

/** An image file is missing or cannot be decoded (PNG, JPEG, BMP and GIF are supported). */
public class ImageException extends CasslException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what went wrong
     */
    public ImageException(String message) {
        super(message);
    }

    /**
     * An exception with a message and the underlying cause.
     *
     * @param message what went wrong
     * @param cause   the failure it reports
     */
    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
