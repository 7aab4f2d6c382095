package org.cassl.tensor.cpu;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.cassl.tensor.DType;
import org.cassl.tensor.MemoryScope;
import org.cassl.tensor.Tensor;

/**
 * A {@link MemoryScope} on the CPU that recycles arrays: storages of at least
 * {@link #MIN_ELEMENTS} elements that the opening thread allocates while the scope is its innermost
 * one belong to it; when it closes, their arrays go to a shared {@link ArrayPool} and later
 * allocations of the same dtype and length reuse them (zero-filled) instead of asking the garbage
 * collector, whose young collections otherwise copy a training step's live activations (hundreds
 * of megabytes) every step. Kept tensors (weights, gradients, optimizer state, results) leave the
 * scope; a storage that was not kept fails on any use after the close ({@link CpuStorage#array()}),
 * so a forgotten keep is an error, never another tensor's data.
 *
 * <p>Memory: the scope holds its storages weakly, so a step's peak is what it references, as
 * without a scope; the pool holds its arrays softly, so the collector takes them back before it
 * would run out of heap (a recycled step never needs more heap than a plain one).
 *
 * <p>Storages allocated on other threads (a kernel's workers) or before the scope opened are
 * never touched; small storages are left to the garbage collector, for which they are cheap.
 */
public final class CpuArena implements MemoryScope {
    /** Tracked entries below which a scope's list is never compacted. */
    private static final int COMPACT_MIN = 4096;
    /** Smaller storages are not tracked. */
    static final int MIN_ELEMENTS = 4096;
    /** The shared pool: at most a third of the maximum heap. */
    private static final ArrayPool POOL = new ArrayPool(Runtime.getRuntime().maxMemory() / 3);
    private static final ThreadLocal<CpuArena> INNERMOST = new ThreadLocal<>();

    private final CpuArena parent;
    private final Thread owner;
    /** Whether closing this scope counts as a loop iteration for the pool's ageing. */
    private final boolean ages;
    // weakly held: a temporary the step no longer references is collected mid-step as without a
    // scope, instead of being held until the close. Which scope owns a storage is the storage's own
    // field (no hashing per allocation); an entry whose storage moved on (kept, handed back) is skipped.
    private final List<WeakReference<CpuStorage>> tracked = new ArrayList<>();
    /** List length at which the dead entries are dropped. */
    private int compactAt = COMPACT_MIN;
    private boolean closed;

    private CpuArena(CpuArena parent, boolean ages) {
        this.parent = parent;
        this.owner = Thread.currentThread();
        this.ages = ages;
    }

    /** Opens a recycling scope on the calling thread, nested in any it already has open. */
    public static CpuArena open() {
        CpuArena s = new CpuArena(INNERMOST.get(), true);
        INNERMOST.set(s);
        return s;
    }

    /**
     * {@link MemoryScope#openPhase}: a recycling scope nested in the calling thread's innermost one
     * that does not age the pool when it closes, or the no-op scope when this thread has none open.
     */
    public static MemoryScope openPhase() {
        CpuArena current = INNERMOST.get();
        if (current == null) {
            return MemoryScope.none();
        }
        CpuArena s = new CpuArena(current, false);
        INNERMOST.set(s);
        return s;
    }

    /** A zero-filled storage, from the pool and owned by the innermost scope when one is open here. */
    static CpuStorage allocate(DType dtype, int length) {
        CpuArena scope = length >= MIN_ELEMENTS ? INNERMOST.get() : null;
        if (scope == null) {
            return CpuStorage.allocate(dtype, length);
        }
        Object a = POOL.take(dtype, length);
        CpuStorage s = a != null ? new CpuStorage(dtype, a) : CpuStorage.allocate(dtype, length);
        scope.track(s);
        return s;
    }

    private void track(CpuStorage s) {
        s.arena = this;
        if (tracked.size() >= compactAt) {
            // a long-lived scope: drop the entries of collected or departed storages, so the list
            // stays proportional to what the scope owns (amortised: the threshold doubles)
            tracked.removeIf(r -> {
                CpuStorage t = r.get();
                return t == null || t.arena != this;
            });
            compactAt = Math.max(COMPACT_MIN, 2 * tracked.size());
        }
        tracked.add(new WeakReference<>(s));
    }

    @Override
    public Tensor keep(Tensor tensor) {
        if (tensor != null && tensor.storage() instanceof CpuStorage s && s.arena == this) {
            if (parent != null) {
                parent.track(s);
            } else {
                s.arena = null;
            }
        }
        return tensor;
    }

    @Override
    public boolean owns(Tensor tensor) {
        return !closed && tensor != null && tensor.storage() instanceof CpuStorage s && s.arena == this;
    }

    @Override
    public boolean release(Tensor tensor) {
        if (closed || tensor == null || Thread.currentThread() != owner || !(tensor.storage() instanceof CpuStorage s)
                || s.arena != this) {
            return false;
        }
        s.arena = null;
        POOL.put(s.dtype(), s.detachArray());
        return true;
    }

    @Override
    public int size() {
        int n = 0;
        for (WeakReference<CpuStorage> r : tracked) {
            CpuStorage s = r.get();
            if (s != null && s.arena == this) {
                n++;
            }
        }
        return n;
    }

    /** Entries of the weak list, live or not (for tests of its compaction). */
    int trackedEntries() {
        return tracked.size();
    }

    /** Bytes the shared pool holds for reuse (for tests and diagnostics). */
    public static long pooledBytes() {
        return POOL.heldBytes();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a MemoryScope must be closed on the thread that opened it");
        }
        if (INNERMOST.get() != this) {
            throw new IllegalStateException("MemoryScopes must be closed in reverse order of opening");
        }
        closed = true;
        if (parent == null) {
            INNERMOST.remove();
        } else {
            INNERMOST.set(parent);
        }
        for (WeakReference<CpuStorage> r : tracked) {
            CpuStorage s = r.get();
            if (s != null && s.arena == this) {
                s.arena = null;
                POOL.put(s.dtype(), s.detachArray());
            }
        }
        tracked.clear();
        if (ages) {
            POOL.age();
        }
    }

    @Override
    public String toString() {
        return "MemoryScope(cpu, recycling, " + size() + " storages" + (closed ? ", closed" : "") + ")";
    }
}
