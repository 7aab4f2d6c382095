package org.cassl.kernels.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Packs a C struct the way nvcc lays it out on a little-endian 64-bit target: every member at the
 * next multiple of its own size, the total rounded up to the largest member alignment. Kernels
 * take their geometry structs by value, so the Java side and the {@code .cu} declaration must
 * agree; {@code KernelSignatureTest} checks the sizes against the PTX.
 */
public final class StructPacker {
    private final ByteBuffer buf = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    private int maxAlign = 1;

    public StructPacker i32(int v) {
        align(4);
        buf.putInt(v);
        return this;
    }

    public StructPacker i32s(int... vs) {
        for (int v : vs) {
            i32(v);
        }
        return this;
    }

    public StructPacker i64(long v) {
        align(8);
        buf.putLong(v);
        return this;
    }

    public StructPacker f64(double v) {
        align(8);
        buf.putDouble(v);
        return this;
    }

    public StructPacker f32(float v) {
        align(4);
        buf.putFloat(v);
        return this;
    }

    private void align(int a) {
        maxAlign = Math.max(maxAlign, a);
        while (buf.position() % a != 0) {
            buf.put((byte) 0);
        }
    }

    /** The struct bytes, padded to the struct's alignment. */
    public byte[] toBytes() {
        int size = buf.position();
        int padded = (size + maxAlign - 1) / maxAlign * maxAlign;
        byte[] out = new byte[padded];
        System.arraycopy(buf.array(), 0, out, 0, size);
        return out;
    }
}
