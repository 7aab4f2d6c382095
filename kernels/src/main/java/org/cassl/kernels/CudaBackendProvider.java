package org.cassl.kernels;

import org.cassl.kernels.runtime.DriverProbe;
import org.cassl.tensor.Backend;
import org.cassl.tensor.BackendProvider;
import org.cassl.tensor.BackendUnavailableException;
import org.cassl.tensor.Device;

/**
 * Registers the CUDA backend with {@link org.cassl.tensor.Backends} (META-INF/services). Probing
 * never throws: without a driver, {@link #isAvailable()} is false and {@link #unavailableReason()}
 * says why ("no CUDA driver (libcuda.so.1 not found)", "cuInit failed: CUDA_ERROR_NO_DEVICE", ...);
 * with one, it describes the devices and libraries found ({@link CudaInfo#summary()}).
 */
public final class CudaBackendProvider implements BackendProvider {

    @Override
    public Device.Kind kind() {
        return Device.Kind.CUDA;
    }

    @Override
    public boolean isAvailable() {
        try {
            return DriverProbe.status().available();
        } catch (Throwable t) {
            return false;
        }
    }

    @Override
    public String unavailableReason() {
        try {
            DriverProbe.Status s = DriverProbe.status();
            return s.available() ? CudaInfo.summary() : s.reason();
        } catch (Throwable t) {
            return "CUDA probe failed: " + t;
        }
    }

    @Override
    public int deviceCount() {
        try {
            return DriverProbe.status().deviceCount();
        } catch (Throwable t) {
            return 0;
        }
    }

    @Override
    public Backend create(int index) {
        DriverProbe.Status s = DriverProbe.status();
        if (!s.available()) {
            throw new BackendUnavailableException("cuda:" + index + " is not available: " + s.reason());
        }
        return CudaBackend.open(index);
    }
}
