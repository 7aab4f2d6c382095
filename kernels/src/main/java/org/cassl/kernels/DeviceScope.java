package org.cassl.kernels;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.cassl.tensor.Storage;
import org.cassl.tensor.Tensor;

/**
 * Deterministic ownership of device memory: every {@link CudaStorage} allocated on this thread
 * while the scope is the innermost open one belongs to it and is released when the scope closes,
 * unless {@link #keep kept}. A kept storage moves to the enclosing scope (or, at the outermost
 * level, to the caller, who closes it or leaves it to the Cleaner).
 *
 * <pre>{@code
 * try (DeviceScope scope = DeviceScope.open()) {
 *     Tensor logits = model.forward(images);        // temporaries die with the scope
 *     return scope.keep(logits.softmax(1));         // the result survives it
 * }
 * }</pre>
 * Scopes nest and must be closed in reverse order of opening, on the thread that opened them.
 */
public final class DeviceScope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<DeviceScope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final Set<CudaStorage> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Thread thread = Thread.currentThread();
    private boolean closed;

    private DeviceScope() {
    }

    /** Opens a scope on the calling thread. */
    public static DeviceScope open() {
        DeviceScope s = new DeviceScope();
        STACK.get().push(s);
        return s;
    }

    /** The innermost open scope of the calling thread, or null. */
    public static DeviceScope current() {
        return STACK.get().peek();
    }

    static void track(CudaStorage s) {
        DeviceScope scope = STACK.get().peek();
        if (scope != null) {
            scope.owned.add(s);
        }
    }

    /** Keeps a tensor's storage beyond this scope; returns the tensor. */
    public Tensor keep(Tensor t) {
        keep(t.storage());
        return t;
    }

    /** Keeps a storage beyond this scope (a no-op for storages this scope does not own). */
    public void keep(Storage s) {
        if (!(s instanceof CudaStorage) || !owned.remove(s)) {
            return;
        }
        DeviceScope parent = parent();
        if (parent != null) {
            parent.owned.add((CudaStorage) s);
        }
    }

    private DeviceScope parent() {
        boolean seen = false;
        for (DeviceScope d : STACK.get()) {   // iterates from the innermost scope outwards
            if (seen) {
                return d;
            }
            seen = d == this;
        }
        return null;
    }

    /** Number of storages the scope will release. */
    public int size() {
        return owned.size();
    }

    /** Releases every storage the scope owns. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a DeviceScope must be closed on the thread that opened it");
        }
        ArrayDeque<DeviceScope> stack = STACK.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("DeviceScopes must be closed in reverse order of opening");
        }
        stack.pop();
        closed = true;
        List<CudaStorage> all = new ArrayList<>(owned);
        owned.clear();
        for (CudaStorage s : all) {
            s.close();
        }
    }
}
