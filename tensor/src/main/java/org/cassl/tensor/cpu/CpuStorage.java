package org.cassl.tensor.cpu;

import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.Storage;

/**
 * Heap storage: a {@code float[]} (F32), {@code double[]} (F64), {@code long[]} (I64) or
 * {@code byte[]} (U8, BOOL as 0/1). A storage owned by a closed {@link CpuArena} has handed its
 * array on to later allocations; any further use fails instead of reading another tensor's data.
 */
public final class CpuStorage implements Storage {
    private final DType dtype;
    private Object data;
    private final int length;
    /** The recycling scope that owns this storage, or null (touched only by that scope's thread). */
    CpuArena arena;

    public CpuStorage(DType dtype, Object data) {
        this.dtype = dtype;
        this.data = data;
        this.length = java.lang.reflect.Array.getLength(data);
        boolean ok;
        switch (dtype) {
            case F32: ok = data instanceof float[]; break;
            case F64: ok = data instanceof double[]; break;
            case I64: ok = data instanceof long[]; break;
            default: ok = data instanceof byte[]; break;
        }
        if (!ok) {
            throw new IllegalArgumentException("array of type " + data.getClass().getSimpleName() + " cannot back " + dtype);
        }
    }

    /** Zero-filled storage. */
    public static CpuStorage allocate(DType dtype, int length) {
        switch (dtype) {
            case F32: return new CpuStorage(dtype, new float[length]);
            case F64: return new CpuStorage(dtype, new double[length]);
            case I64: return new CpuStorage(dtype, new long[length]);
            default: return new CpuStorage(dtype, new byte[length]);
        }
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public org.cassl.tensor.Device device() {
        return Device.CPU;
    }

    /** The backing array (shared, not copied). */
    public Object array() {
        Object a = data;
        if (a == null) {
            throw new IllegalStateException("tensor storage (" + dtype + ", " + length + " elements) used after the "
                    + "MemoryScope that owned it closed; keep() the tensors that must outlive a scope");
        }
        return a;
    }

    public float[] f32() {
        return (float[]) array();
    }

    public double[] f64() {
        return (double[]) array();
    }

    public long[] i64() {
        return (long[]) array();
    }

    public byte[] u8() {
        return (byte[]) array();
    }

    /** Gives up the array (for reuse by {@link CpuArena}); every later use of this storage fails. */
    Object detachArray() {
        Object a = data;
        data = null;
        return a;
    }

    /** Whether the array was given up to an arena. */
    boolean recycled() {
        return data == null;
    }
}
