package org.cassl.kernels;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.cassl.tensor.Device;
import org.cassl.tensor.MemoryScope;
import org.cassl.tensor.Tensor;

/**
 * The CUDA backend's {@link MemoryScope}: owns the {@link CudaStorage}s of its device that the
 * opening thread allocates while it is the innermost open scope for that device, and returns
 * their blocks to the caching allocator when it closes. Operator temporaries are not tracked (each
 * operator frees its own). Opened by {@link CudaBackend#openScope()}.
 */
final class CudaMemoryScope implements MemoryScope {
    /** Open scopes of the thread, innermost first, all devices together. */
    private static final ThreadLocal<ArrayDeque<CudaMemoryScope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final Device device;
    private final Set<CudaStorage> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Thread thread = Thread.currentThread();
    private boolean closed;

    private CudaMemoryScope(Device device) {
        this.device = device;
    }

    /** Opens a scope for {@code device} on the calling thread. */
    static CudaMemoryScope open(Device device) {
        CudaMemoryScope s = new CudaMemoryScope(device);
        STACK.get().push(s);
        return s;
    }

    /** Hands a new storage to the innermost open scope of its device on this thread, if any. */
    static void track(CudaStorage s) {
        ArrayDeque<CudaMemoryScope> stack = STACK.get();
        if (stack.isEmpty()) {
            return;
        }
        CudaMemoryScope scope = innermost(stack.iterator(), s.device());
        if (scope != null) {
            scope.owned.add(s);
        }
    }

    private static CudaMemoryScope innermost(Iterator<CudaMemoryScope> it, Device device) {
        while (it.hasNext()) {
            CudaMemoryScope d = it.next();
            if (d.device.equals(device)) {
                return d;
            }
        }
        return null;
    }

    @Override
    public Tensor keep(Tensor tensor) {
        if (tensor.storage() instanceof CudaStorage s && owned.remove(s)) {
            CudaMemoryScope parent = parent();
            if (parent != null) {
                parent.owned.add(s);
            }
        }
        return tensor;
    }

    /** The next enclosing open scope of the same device, or null. */
    private CudaMemoryScope parent() {
        Iterator<CudaMemoryScope> it = STACK.get().iterator();   // innermost outwards
        while (it.hasNext()) {
            if (it.next() == this) {
                return innermost(it, device);
            }
        }
        return null;
    }

    @Override
    public int size() {
        return owned.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a MemoryScope must be closed on the thread that opened it");
        }
        ArrayDeque<CudaMemoryScope> stack = STACK.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("MemoryScopes must be closed in reverse order of opening");
        }
        stack.pop();
        closed = true;
        List<CudaStorage> all = new ArrayList<>(owned);
        owned.clear();
        for (CudaStorage s : all) {
            s.close();
        }
    }

    @Override
    public String toString() {
        return "MemoryScope(" + device + ", " + owned.size() + " storages" + (closed ? ", closed" : "") + ")";
    }
}
