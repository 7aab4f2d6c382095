package org.cassl.kernels.runtime;

/**
 * Grid and block dimensions and dynamic shared memory of a launch.
 *
 * @param gridX  blocks along x (at most 2^31-1)
 * @param gridY  blocks along y (at most 65535)
 * @param gridZ  blocks along z (at most 65535)
 * @param blockX threads per block (x)
 * @param blockY threads per block (y)
 * @param sharedBytes dynamic shared memory per block
 */
public record LaunchConfig(int gridX, int gridY, int gridZ, int blockX, int blockY, int sharedBytes) {

    public LaunchConfig {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || gridY > 65535 || gridZ > 65535) {
            throw new IllegalArgumentException("invalid grid " + gridX + "x" + gridY + "x" + gridZ);
        }
        if (blockX < 1 || blockY < 1 || blockX * blockY > 1024) {
            throw new IllegalArgumentException("invalid block " + blockX + "x" + blockY);
        }
    }

    /** A 1-D launch. */
    public static LaunchConfig of(int grid, int block) {
        return new LaunchConfig(grid, 1, 1, block, 1, 0);
    }

    public static LaunchConfig of(int gridX, int gridY, int gridZ, int block) {
        return new LaunchConfig(gridX, gridY, gridZ, block, 1, 0);
    }

    /**
     * A grid-stride launch over {@code n} elements: enough blocks of {@code block} threads for
     * one element each, capped at {@code maxBlocks} (the kernels loop over the rest). At least one
     * block, so empty launches stay valid (kernels do nothing).
     */
    public static LaunchConfig gridStride(long n, int block, int maxBlocks) {
        long blocks = (n + block - 1) / block;
        return of((int) Math.max(1, Math.min(blocks, maxBlocks)), block);
    }
}
