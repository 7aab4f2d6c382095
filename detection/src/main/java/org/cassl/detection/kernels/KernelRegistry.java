package org.cassl.detection.kernels;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.cassl.tensor.Backend;
import org.cassl.tensor.BackendUnavailableException;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Device;

/** Lookup and cache behind {@link DetectionKernels#forDevice}. */
final class KernelRegistry {
    static final DetectionKernels CPU = new CpuDetectionKernels();
    /** Kernels per device, with the backend instance they were made for. */
    private static final Map<Device, Entry> CACHE = new ConcurrentHashMap<>();

    private record Entry(Backend backend, DetectionKernels kernels) {
    }

    private KernelRegistry() {
    }

    static DetectionKernels forDevice(Device device) {
        if (device == null) {
            throw new IllegalArgumentException("device must not be null");
        }
        Backend current = currentBackend(device);
        Entry e = CACHE.get(device);
        if (e != null && e.backend() == current) {
            return e.kernels();
        }
        // a device whose backend was replaced (Backends.install, a closed and reopened CUDA
        // context) gets kernels bound to the new backend, never ones bound to a closed one
        DetectionKernels k = find(device);
        CACHE.put(device, new Entry(current, k));
        return k;
    }

    private static Backend currentBackend(Device device) {
        try {
            return Backends.forDevice(device);
        } catch (RuntimeException unusable) {
            return null;
        }
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
