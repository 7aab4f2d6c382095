package org.cassl.kernels.emu;

/**
 * JNI entry points of {@code libcassl_emu.so} (src/test/cuda-emu/jni_kernels.cpp): native memory and
 * emulated kernel launches. Loaded by {@link EmulatedRuntime}.
 */
final class EmuNative {
    private EmuNative() {
    }

    static native long malloc(long bytes);

    static native void free(long address);

    static native void memset(long address, int value, long bytes);

    static native void memset32(long address, int value, long count);

    static native void memcpy(long dst, long src, long bytes);

    static native void put(long dst, byte[] data);

    static native void get(long src, byte[] out);

    /** Runs kernel {@code name} on a grid of 1-D blocks; {@code types}: 0 u64, 1 i32, 2 f64, 3 f32, 4 u8, 100+n struct. */
    static native void launch(String name, int gx, int gy, int gz, int block, byte[][] params, int[] types);
}
