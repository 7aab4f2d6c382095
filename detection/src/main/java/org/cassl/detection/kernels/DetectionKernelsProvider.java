package org.cassl.detection.kernels;

import org.cassl.tensor.Device;

/**
 * Service-provider interface through which {@link DetectionKernels} implementations are found
 * ({@link java.util.ServiceLoader}; register the class in
 * {@code META-INF/services/org.cassl.detection.kernels.DetectionKernelsProvider}). The CPU
 * implementation is registered by this module; the CUDA one by {@code cassl-kernels}.
 */
public interface DetectionKernelsProvider {

    /** Whether this provider has kernels for {@code device}. Must be cheap and must not throw. */
    boolean serves(Device device);

    /**
     * The kernels for a device this provider {@link #serves}; called once per device and cached by
     * {@link DetectionKernels#forDevice}. May throw {@link org.cassl.tensor.BackendUnavailableException}
     * when the device's backend cannot start.
     */
    DetectionKernels create(Device device);
}
