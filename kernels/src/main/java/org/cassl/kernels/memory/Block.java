package org.cassl.kernels.memory;

/**
 * One device allocation handed out by the allocator: its address, its size class in bytes (at
 * least what was asked for) and an implementation handle (the JCuda pointer object for real
 * memory, null for fakes). Identity matters: the allocator tracks live blocks by reference.
 */
public final class Block {
    /** The block of zero-length storages: no device memory behind it. */
    public static final Block EMPTY = new Block(0L, 0L, null);

    private final long address;
    private final long size;
    private final Object handle;

    public Block(long address, long size, Object handle) {
        this.address = address;
        this.size = size;
        this.handle = handle;
    }

    public long address() {
        return address;
    }

    public long size() {
        return size;
    }

    public Object handle() {
        return handle;
    }

    @Override
    public String toString() {
        return "Block[0x" + Long.toHexString(address) + ", " + size + " bytes]";
    }
}
