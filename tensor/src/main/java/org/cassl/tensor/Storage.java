package org.cassl.tensor;

/**
 * A flat buffer of elements of one dtype on one device. Tensors are views onto a storage
 * (shape, strides, offset); several tensors may share one storage.
 */
public interface Storage {
    DType dtype();

    /** Number of elements. */
    int length();

    Device device();
}
