package org.cassl.autograd;

/**
 * Whether ops record onto the tape, per thread. Use {@code try (var g = GradMode.off()) { ... }}
 * for inference and parameter updates.
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {
    }

    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** A scope in which no op records; restores the previous mode on close. */
    public static Scope off() {
        return set(false);
    }

    /** A scope in which ops record again (inside an {@link #off()} scope). */
    public static Scope on() {
        return set(true);
    }

    private static Scope set(boolean enabled) {
        boolean[] flag = ENABLED.get();
        boolean prev = flag[0];
        flag[0] = enabled;
        return () -> flag[0] = prev;
    }

    /** Restores the previous grad mode when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
