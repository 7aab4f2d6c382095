package org.cassl.detection.kernels;

import org.cassl.tensor.Device;

/** Registers {@link CpuDetectionKernels} for the CPU device. */
public final class CpuDetectionKernelsProvider implements DetectionKernelsProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public CpuDetectionKernelsProvider() {
    }

    @Override
    public boolean serves(Device device) {
        return device.isCpu();
    }

    @Override
    public DetectionKernels create(Device device) {
        return DetectionKernels.cpu();
    }
}
