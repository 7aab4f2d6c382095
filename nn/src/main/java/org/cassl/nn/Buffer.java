package org.cassl.nn;

import java.util.Arrays;
import org.cassl.tensor.Device;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;

/**
 * A non-trainable tensor of a {@link Module} (running statistics, frozen affine terms, counters).
 * Persistent buffers are part of the state dict. The tensor can be updated in place or replaced
 * by one of the same shape.
 */
public final class Buffer {
    private Tensor tensor;
    private final boolean persistent;

    public Buffer(Tensor tensor, boolean persistent) {
        this.tensor = tensor;
        this.persistent = persistent;
    }

    public Tensor tensor() {
        return tensor;
    }

    /** Whether the buffer is written to and read from state dicts. */
    public boolean persistent() {
        return persistent;
    }

    /** Replaces the tensor by one of the same shape. */
    public void set(Tensor t) {
        if (!Arrays.equals(t.shape(), tensor.shape())) {
            throw new ShapeMismatchException("Buffer.set: new shape " + Arrays.toString(t.shape()) + " differs from "
                    + Arrays.toString(tensor.shape()));
        }
        tensor = t;
    }

    /** Copies {@code src} into the buffer in place (cast to its dtype, moved to its device). */
    public void load(Tensor src) {
        tensor.copyFrom(src.device().equals(tensor.device()) ? src : src.to(tensor.device()));
    }

    public void to(Device device) {
        if (!tensor.device().equals(device)) {
            tensor = tensor.to(device);
        }
    }
}
