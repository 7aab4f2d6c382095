package org.cassl.tensor;

/**
 * Base class of the errors tensor operations raise for bad arguments. Messages name the op, the
 * shapes or values involved and what was expected.
 */
public class TensorException extends IllegalArgumentException {
    public TensorException(String message) {
        super(message);
    }

    public TensorException(String message, Throwable cause) {
        super(message, cause);
    }
}
