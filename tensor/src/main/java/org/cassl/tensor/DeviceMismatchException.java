package org.cassl.tensor;

/** Operands of one op live on different devices. */
public class DeviceMismatchException extends TensorException {
    public DeviceMismatchException(String message) {
        super(message);
    }
}
