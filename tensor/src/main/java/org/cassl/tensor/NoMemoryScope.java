package org.cassl.tensor;

/** The shared scope that does nothing: no state, so one instance serves every thread. */
final class NoMemoryScope implements MemoryScope {
    static final NoMemoryScope INSTANCE = new NoMemoryScope();

    private NoMemoryScope() {
    }

    @Override
    public Tensor keep(Tensor tensor) {
        return tensor;
    }

    @Override
    public int size() {
        return 0;
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "MemoryScope(none)";
    }
}
