package org.cassl.tensor;

import java.util.Objects;

/**
 * Deterministic ownership of device memory. Every tensor storage allocated on the scope's device
 * by the calling thread while the scope is the innermost open one on that device belongs to the
 * scope and is released when the scope closes, unless {@link #keep kept}. A kept storage moves to
 * the enclosing scope of the same device, or, at the outermost level, to the caller, who releases
 * it ({@link Tensor#release()}) or leaves it to the garbage collector, which is a safety net only.
 * Tensors a scope does not own (allocated before it opened, or on another device) are never
 * touched. Only explicitly kept storages escape: a tensor returned from inside the scope without
 * {@code keep} is released with it, and using it afterwards fails with a clear message.
 *
 * <pre>{@code
 * try (MemoryScope scope = MemoryScope.open(device)) {
 *     Tensor logits = model.forward(images);        // temporaries die with the scope
 *     return scope.keep(logits.softmax(1));         // the result survives it
 * }
 * }</pre>
 *
 * <p>Scopes nest, must be closed in reverse order of opening and on the thread that opened them.
 * On the CPU (garbage-collected heap) a scope is a shared no-op: opening one allocates nothing and
 * tracks nothing.
 */
public interface MemoryScope extends AutoCloseable {

    /**
     * Opens a scope for the tensors the calling thread allocates on {@code device}: the device
     * backend's {@link Backend#openScope()}; on the CPU the shared no-op scope without any lookup.
     *
     * @throws BackendUnavailableException when the device's backend cannot be used
     */
    static MemoryScope open(Device device) {
        Objects.requireNonNull(device, "device");
        return device.isCpu() ? none() : Backends.forDevice(device).openScope();
    }

    /**
     * Like {@link #open}, but on the CPU a scope that recycles: the arrays of the large storages
     * the calling thread allocates in it are reused by later allocations of the same size once it
     * closes ({@link org.cassl.tensor.cpu.CpuArena}), sparing the garbage collector a training
     * step's activations. For loops that allocate the same shapes every iteration and keep what
     * must survive (a training step); a tensor used after its scope closed without being kept fails.
     */
    static MemoryScope openRecycling(Device device) {
        Objects.requireNonNull(device, "device");
        return device.isCpu() ? org.cassl.tensor.cpu.CpuArena.open() : Backends.forDevice(device).openScope();
    }

    /**
     * A scope for one phase of a recycling loop (autograd's backward pass) whose dead tensors can
     * be handed back before the loop's scope closes ({@link #release}): on the CPU, when the calling
     * thread's innermost scope is a recycling one, a recycling scope nested in it; otherwise (no
     * recycling scope, or another device) the scope that does nothing. Closing it does not age the
     * shared pool, so a loop of phases recycles as a loop of plain recycling scopes does.
     */
    static MemoryScope openPhase(Device device) {
        Objects.requireNonNull(device, "device");
        return device.isCpu() ? org.cassl.tensor.cpu.CpuArena.openPhase() : none();
    }

    /** The scope that owns and releases nothing (what the CPU backend opens). */
    static MemoryScope none() {
        return NoMemoryScope.INSTANCE;
    }

    /**
     * Keeps a tensor's storage beyond this scope (a no-op for storages this scope does not own);
     * returns the tensor. Views share their storage: keeping one view keeps all of them.
     */
    Tensor keep(Tensor tensor);

    /** {@link #keep Keeps} every tensor of a collection; returns the collection. */
    default <C extends Iterable<Tensor>> C keepAll(C tensors) {
        for (Tensor t : tensors) {
            keep(t);
        }
        return tensors;
    }

    /**
     * Hands a tensor's storage back now, before the scope closes, when this scope owns it (the
     * storage was allocated in it and not kept), so that later allocations of its size reuse it;
     * returns whether it did. The caller guarantees that no tensor on that storage is used again:
     * any use fails as after a close. The default (a scope that recycles nothing) does nothing.
     */
    default boolean release(Tensor tensor) {
        return false;
    }

    /** Whether this scope owns the tensor's storage (allocated in it and not kept); false for a scope that owns nothing. */
    default boolean owns(Tensor tensor) {
        return false;
    }

    /** Number of storages the scope will release when it closes. */
    int size();

    /** Releases every storage the scope owns; idempotent. */
    @Override
    void close();
}
