package org.cassl.tensor;

/** Shapes that cannot be combined: broadcasting failures, wrong ranks, incompatible views. */
public class ShapeMismatchException extends TensorException {
    public ShapeMismatchException(String message) {
        super(message);
    }
}
