package org.cassl.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.cassl.tensor.cpu.CpuBackend;

/**
 * Registry of backends: the built-in CPU backend plus whatever {@link BackendProvider}s the
 * class path offers. Lookups are cached; creation happens on first use of a device.
 */
public final class Backends {
    private static volatile CpuBackend cpu;
    private static final Map<Device, Backend> CACHE = new ConcurrentHashMap<>();
    private static volatile List<BackendProvider> providers;

    private Backends() {
    }

    /** The shared CPU backend (threads from {@code cassl.threads} or all available processors). */
    public static CpuBackend cpu() {
        CpuBackend c = cpu;
        if (c == null) {
            synchronized (Backends.class) {
                c = cpu;
                if (c == null) {
                    c = new CpuBackend(defaultThreads());
                    cpu = c;
                }
            }
        }
        return c;
    }

    /** Replaces the shared CPU backend with one using {@code threads} worker threads. */
    public static synchronized void setCpuThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        }
        CpuBackend old = cpu;
        cpu = new CpuBackend(threads);
        if (old != null) {
            old.close();
        }
    }

    static int defaultThreads() {
        String p = System.getProperty("cassl.threads");
        if (p != null && !p.isBlank()) {
            try {
                int t = Integer.parseInt(p.trim());
                if (t >= 1) {
                    return t;
                }
            } catch (NumberFormatException e) {
                // ignore and use all processors
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** The backend for a device; throws {@link BackendUnavailableException} with the reason. */
    public static Backend forDevice(Device device) {
        if (device.isCpu()) {
            return cpu();
        }
        return CACHE.computeIfAbsent(device, d -> {
            for (BackendProvider p : providers()) {
                if (p.kind() == d.kind()) {
                    if (!p.isAvailable()) {
                        throw new BackendUnavailableException(d + " is not available: " + p.unavailableReason());
                    }
                    if (d.index() >= p.deviceCount()) {
                        throw new BackendUnavailableException(d + " does not exist: " + p.deviceCount() + " device(s) found");
                    }
                    return p.create(d.index());
                }
            }
            throw new BackendUnavailableException("no backend for " + d + " on the class path (the kernels module provides cuda)");
        });
    }

    /**
     * Makes {@code backend} the one {@link #forDevice} returns for its device, in place of (and
     * without closing) the provider's: for tools and tests that bring their own backend, such as the
     * CUDA backend over the kernel emulator, so that the Tensor API, modules and detection kernels
     * run on it. Not for the CPU.
     *
     * @return the backend it replaces for that device, or null
     */
    public static Backend install(Backend backend) {
        if (backend.device().isCpu()) {
            throw new IllegalArgumentException("the CPU backend cannot be replaced (use setCpuThreads)");
        }
        return CACHE.put(backend.device(), backend);
    }

    /** Undoes {@link #install}: the device's backend is looked up from the providers again on next use. */
    public static void uninstall(Backend backend) {
        CACHE.remove(backend.device(), backend);
    }

    /** All providers found through the service loader (excluding the built-in CPU backend). */
    public static List<BackendProvider> providers() {
        List<BackendProvider> ps = providers;
        if (ps == null) {
            synchronized (Backends.class) {
                ps = providers;
                if (ps == null) {
                    ps = new ArrayList<>();
                    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
                        ps.add(p);
                    }
                    providers = List.copyOf(ps);
                }
            }
        }
        return ps;
    }

    /** Whether a device of this kind can be used here. */
    public static boolean isAvailable(Device.Kind kind) {
        if (kind == Device.Kind.CPU) {
            return true;
        }
        for (BackendProvider p : providers()) {
            if (p.kind() == kind && p.isAvailable()) {
                return true;
            }
        }
        return false;
    }
}
