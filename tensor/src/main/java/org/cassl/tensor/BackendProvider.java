package org.cassl.tensor;

/**
 * Service-provider interface through which backends are discovered at run time
 * ({@link java.util.ServiceLoader}). The CPU backend is built in; the CUDA backend lives in the
 * {@code kernels} module and registers itself in {@code META-INF/services}.
 */
public interface BackendProvider {

    Device.Kind kind();

    /**
     * Whether a backend of this kind can run here; when false, {@link #unavailableReason()} says
     * why (no driver, no device, missing library). Must not throw.
     */
    boolean isAvailable();

    /** A human-readable reason when not available, otherwise a short description of what was found. */
    String unavailableReason();

    /** Number of devices of this kind. */
    int deviceCount();

    /** The backend for device {@code index}; called once per device and cached by {@link Backends}. */
    Backend create(int index);
}
