package org.cassl.kernels.ops;

import org.cassl.kernels.runtime.KernelArgs;
import org.cassl.kernels.runtime.LaunchConfig;

/**
 * Exclusive prefix sums of int32 arrays on the device (scan.cu), used for stream compaction
 * (nonzero, NMS) and the radix sort's stable partitions. Multi-level: tiles of {@link #TILE}
 * elements are scanned, their totals scanned recursively, then added back.
 */
public final class DeviceScan {
    private static final String M = "scan";
    /** Elements per tile (SCAN_TILE in scan.cu). */
    public static final int TILE = 2048;
    private static final int THREADS = 256;
    private final CudaOpContext ctx;

    public DeviceScan(CudaOpContext ctx) {
        this.ctx = ctx;
    }

    /** {@code out[i] = in[0] + ... + in[i-1]} for {@code n} ints ({@code in} and {@code out} may alias). */
    public void exclusive(long in, long out, int n) {
        if (n <= 0) {
            return;
        }
        int tiles = (n + TILE - 1) / TILE;
        if (tiles == 1) {
            ctx.launch(M, "scan_tiles", LaunchConfig.of(1, THREADS),
                    KernelArgs.of().ptr(in).ptr(out).i32(n).ptr(0L));
            return;
        }
        try (CudaOpContext.Scratch totals = ctx.scratch(tiles * 4L)) {
            ctx.launch(M, "scan_tiles", LaunchConfig.of(tiles, THREADS),
                    KernelArgs.of().ptr(in).ptr(out).i32(n).ptr(totals.address()));
            exclusive(totals.address(), totals.address(), tiles);
            ctx.launchN(M, "scan_add_tiles", n, KernelArgs.of().ptr(out).i32(n).ptr(totals.address()));
        }
    }

    /**
     * Total of a flag array given its exclusive scan: {@code positions[n-1] + flags[n-1]}
     * (downloads two ints, so it waits for the device).
     */
    public int total(long flags, long positions, int n) {
        if (n == 0) {
            return 0;
        }
        return readInt(positions + (n - 1) * 4L) + readInt(flags + (n - 1) * 4L);
    }

    private int readInt(long address) {
        byte[] b = new byte[4];
        ctx.runtime().download(address, b, 0, 4);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    /** Writes the indices of flagged items in order (mapped through {@code order} when non-zero) to {@code out}. */
    public void compact(long flags, long positions, int n, long order, long out) {
        ctx.launchN(M, "compact_indices", n, KernelArgs.of().ptr(flags).ptr(positions).i32(n).ptr(order).ptr(out));
    }
}
