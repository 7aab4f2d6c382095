package org.cassl.tensor.cpu;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.cassl.tensor.DType;

/**
 * Heap arrays given back by closed {@link CpuArena}s, by dtype and exact length, for the next
 * allocations of the same size (a training step allocates the same shapes every iteration).
 * Bounded two ways: at most {@code capBytes} are held, and an array nobody took within two
 * consecutive scope closes is dropped to the garbage collector, so changing shapes do not pile up.
 * Arrays are held softly: under memory pressure the collector clears them (the JVM clears soft
 * references before it throws OutOfMemoryError), so the pool never costs an allocation its heap.
 * Thread-safe (scopes on several threads share it).
 */
final class ArrayPool {
    /** A pooled array (softly held), its size in bytes and the close count at which it came back. */
    private record Entry(SoftReference<Object> array, long bytes, long generation) {
    }

    private final long capBytes;
    private final Map<Long, ArrayDeque<Entry>> free = new HashMap<>();
    private long heldBytes;
    private long generation;

    ArrayPool(long capBytes) {
        this.capBytes = capBytes;
    }

    private static long key(DType dtype, int length) {
        return ((long) dtype.ordinal() << 32) | length;
    }

    static long bytes(DType dtype, int length) {
        return (long) length * dtype.byteSize();
    }

    /** A pooled array of exactly this dtype and length, zero-filled, or null when none is free. */
    Object take(DType dtype, int length) {
        Object a;
        synchronized (this) {
            ArrayDeque<Entry> q = free.get(key(dtype, length));
            a = null;
            while (a == null) {
                Entry e = q == null ? null : q.pollLast();
                if (e == null) {
                    return null;
                }
                heldBytes -= e.bytes();
                a = e.array().get();
            }
        }
        zero(a);
        return a;
    }

    /** Offers an array back; dropped when the pool is full. */
    synchronized void put(DType dtype, Object array) {
        int length = java.lang.reflect.Array.getLength(array);
        long b = bytes(dtype, length);
        if (heldBytes + b > capBytes) {
            return;
        }
        free.computeIfAbsent(key(dtype, length), k -> new ArrayDeque<>()).addLast(new Entry(new SoftReference<>(array), b, generation));
        heldBytes += b;
    }

    /** Called at each scope close: drops the arrays that have waited since before the previous close. */
    synchronized void age() {
        generation++;
        for (Iterator<ArrayDeque<Entry>> it = free.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Entry> q = it.next();
            while (!q.isEmpty() && q.peekFirst().generation() < generation - 1) {
                heldBytes -= q.pollFirst().bytes();
            }
            if (q.isEmpty()) {
                it.remove();
            }
        }
    }

    synchronized long heldBytes() {
        return heldBytes;
    }

    private static void zero(Object a) {
        if (a instanceof float[]) {
            java.util.Arrays.fill((float[]) a, 0f);
        } else if (a instanceof double[]) {
            java.util.Arrays.fill((double[]) a, 0.0);
        } else if (a instanceof long[]) {
            java.util.Arrays.fill((long[]) a, 0L);
        } else {
            java.util.Arrays.fill((byte[]) a, (byte) 0);
        }
    }
}
