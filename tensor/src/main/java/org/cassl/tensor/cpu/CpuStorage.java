package org.cassl.tensor.cpu;

import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.Storage;

/**
 * Heap storage: a {@code float[]} (F32), {@code double[]} (F64), {@code long[]} (I64) or
 * {@code byte[]} (U8, BOOL as 0/1).
 */
public final class CpuStorage implements Storage {
    private final DType dtype;
    private final Object data;
    private final int length;

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
        return data;
    }

    public float[] f32() {
        return (float[]) data;
    }

    public double[] f64() {
        return (double[]) data;
    }

    public long[] i64() {
        return (long[]) data;
    }

    public byte[] u8() {
        return (byte[]) data;
    }
}
