package org.cassl.detection.kernels;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.cassl.tensor.BackendUnavailableException;
import org.cassl.tensor.Device;

/** Lookup and cache behind {@link DetectionKernels#forDevice}. */
final class KernelRegistry {
    static final DetectionKernels CPU = new CpuDetectionKernels();
    private static final Map<Device, DetectionKernels> CACHE = new ConcurrentHashMap<>();

    private KernelRegistry() {
    }

    static DetectionKernels forDevice(Device device) {
        if (device == null) {
            throw new IllegalArgumentException("device must not be null");
        }
        DetectionKernels k = CACHE.get(device);
        return k != null ? k : CACHE.computeIfAbsent(device, KernelRegistry::find);
    }

    private static DetectionKernels find(Device device) {
        for (DetectionKernelsProvider p : ServiceLoader.load(DetectionKernelsProvider.class,
                DetectionKernels.class.getClassLoader())) {
            if (p.serves(device)) {
                return p.create(device);
            }
        }
        if (device.isCpu()) {
            return CPU;
        }
        throw new BackendUnavailableException("no detection kernels for device " + device
                + ": no DetectionKernelsProvider on the class path serves it (the cassl-kernels module provides"
                + " cuda)");
    }
}
