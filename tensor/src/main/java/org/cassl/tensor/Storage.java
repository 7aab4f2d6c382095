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

    /**
     * Gives the memory back now instead of waiting for the garbage collector: device storages
     * return their memory to the device allocator, after which any use of the storage fails with
     * a clear message. Idempotent. The default (heap storage) does nothing.
     */
    default void release() {
    }
}
