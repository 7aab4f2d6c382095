package org.cassl.kernels.detection;

import org.cassl.detection.kernels.DetectionKernels;
import org.cassl.detection.kernels.DetectionKernelsProvider;
import org.cassl.kernels.CudaBackend;
import org.cassl.tensor.Backend;
import org.cassl.tensor.BackendUnavailableException;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Device;

/**
 * Registers {@link CudaDetectionKernels} for CUDA devices
 * ({@code META-INF/services/org.cassl.detection.kernels.DetectionKernelsProvider}); the kernels run
 * on the device's backend from {@link Backends#forDevice}.
 */
public final class CudaDetectionKernelsProvider implements DetectionKernelsProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public CudaDetectionKernelsProvider() {
    }

    @Override
    public boolean serves(Device device) {
        return device.kind() == Device.Kind.CUDA;
    }

    @Override
    public DetectionKernels create(Device device) {
        Backend b = Backends.forDevice(device);
        if (!(b instanceof CudaBackend cuda)) {
            throw new BackendUnavailableException("no CUDA detection kernels for " + device + ": its backend is "
                    + b.name() + ", not the cassl CUDA backend");
        }
        return new CudaDetectionKernels(cuda);
    }
}
