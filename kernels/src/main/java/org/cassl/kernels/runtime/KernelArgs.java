package org.cassl.kernels.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The parameters of one kernel launch, each as the little-endian bytes the kernel's parameter
 * holds: device pointers as 8-byte addresses, ints, longs, doubles, and C structs packed by
 * {@link StructPacker}. Kept as plain bytes so launches can be recorded and checked against the
 * PTX signatures without a GPU.
 */
public final class KernelArgs {
    private final List<byte[]> params = new ArrayList<>();

    public static KernelArgs of() {
        return new KernelArgs();
    }

    /** A device address ({@code T*} parameter). */
    public KernelArgs ptr(long address) {
        return i64(address);
    }

    public KernelArgs i32(int v) {
        params.add(le(4).putInt(v).array());
        return this;
    }

    public KernelArgs i64(long v) {
        params.add(le(8).putLong(v).array());
        return this;
    }

    public KernelArgs f32(float v) {
        params.add(le(4).putFloat(v).array());
        return this;
    }

    public KernelArgs f64(double v) {
        params.add(le(8).putDouble(v).array());
        return this;
    }

    public KernelArgs u8(int v) {
        params.add(new byte[] {(byte) v});
        return this;
    }

    /** A by-value struct or any raw parameter bytes. */
    public KernelArgs bytes(byte[] raw) {
        params.add(raw.clone());
        return this;
    }

    /** The parameter byte arrays in order (not copies; do not modify). */
    public List<byte[]> params() {
        return Collections.unmodifiableList(params);
    }

    public int count() {
        return params.size();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
