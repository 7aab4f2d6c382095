package org.cassl.tensor;

/** An op received a dtype it does not accept. */
public class DTypeMismatchException extends TensorException {
    public DTypeMismatchException(String message) {
        super(message);
    }
}
