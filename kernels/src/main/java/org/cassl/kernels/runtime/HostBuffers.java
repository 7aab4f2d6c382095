package org.cassl.kernels.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Moves elements between Java primitive arrays and little-endian byte buffers. */
public final class HostBuffers {
    private HostBuffers() {
    }

    /** Bytes per element of a {@code float[]}, {@code double[]}, {@code long[]} or {@code byte[]}. */
    public static int elementSize(Object array) {
        if (array instanceof float[]) {
            return 4;
        }
        if (array instanceof double[] || array instanceof long[]) {
            return 8;
        }
        if (array instanceof byte[]) {
            return 1;
        }
        throw new IllegalArgumentException("unsupported host array " + (array == null ? "null" : array.getClass()));
    }

    /** Writes {@code count} elements from {@code first} at the buffer's start (position ignored). */
    public static void put(ByteBuffer buf, Object array, int first, int count) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.clear();
        if (array instanceof float[]) {
            b.asFloatBuffer().put((float[]) array, first, count);
        } else if (array instanceof double[]) {
            b.asDoubleBuffer().put((double[]) array, first, count);
        } else if (array instanceof long[]) {
            b.asLongBuffer().put((long[]) array, first, count);
        } else {
            b.put((byte[]) array, first, count);
        }
    }

    /** Reads {@code count} elements from the buffer's start into the array at {@code first}. */
    public static void get(ByteBuffer buf, Object array, int first, int count) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.clear();
        if (array instanceof float[]) {
            b.asFloatBuffer().get((float[]) array, first, count);
        } else if (array instanceof double[]) {
            b.asDoubleBuffer().get((double[]) array, first, count);
        } else if (array instanceof long[]) {
            b.asLongBuffer().get((long[]) array, first, count);
        } else {
            b.get((byte[]) array, first, count);
        }
    }
}
