package org.cassl.app.shapes;

/**
 * A shapes dataset could not be configured or written: a bad configuration value, an output
 * folder that is not empty, or an I/O failure. The message names the input and what is wrong.
 */
public class ShapesException extends RuntimeException {
    public ShapesException(String message) {
        super(message);
    }

    public ShapesException(String message, Throwable cause) {
        super(message, cause);
    }
}
