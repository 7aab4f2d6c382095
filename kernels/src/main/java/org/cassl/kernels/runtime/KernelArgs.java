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
    /** What a parameter is, for checks of recorded launches. */
    public enum Kind { POINTER, VALUE }

    private final List<byte[]> params = new ArrayList<>();
    private final List<Kind> kinds = new ArrayList<>();

    public static KernelArgs of() {
        return new KernelArgs();
    }

    /** A device address ({@code T*} parameter). */
    public KernelArgs ptr(long address) {
        i64(address);
        kinds.set(kinds.size() - 1, Kind.POINTER);
        return this;
    }

    public KernelArgs i32(int v) {
        return add(le(4).putInt(v).array());
    }

    public KernelArgs i64(long v) {
        return add(le(8).putLong(v).array());
    }

    public KernelArgs f32(float v) {
        return add(le(4).putFloat(v).array());
    }

    public KernelArgs f64(double v) {
        return add(le(8).putDouble(v).array());
    }

    public KernelArgs u8(int v) {
        return add(new byte[] {(byte) v});
    }

    /** A by-value struct or any raw parameter bytes. */
    public KernelArgs bytes(byte[] raw) {
        return add(raw.clone());
    }

    private KernelArgs add(byte[] p) {
        params.add(p);
        kinds.add(Kind.VALUE);
        return this;
    }

    /** Kind of each parameter, in order. */
    public List<Kind> kinds() {
        return Collections.unmodifiableList(kinds);
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
