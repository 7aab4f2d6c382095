package org.cassl.tensor;

/** An index (a dimension, an element index or an index tensor's value) is out of range. */
public class IndexOutOfRangeException extends TensorException {
    public IndexOutOfRangeException(String message) {
        super(message);
    }
}
