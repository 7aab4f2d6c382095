package org.cassl.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cassl.tensor.BackendProvider;
import org.cassl.tensor.Backends;

/** What {@code cassl info} reports: the JVM, the CPU, the CPU backend and any GPU backends. */
final class SystemInfo {
    private static final String[] FEATURES = {"sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl",
        "avx512_vnni", "avx512_bf16", "amx_tile", "neon", "asimd", "sve"};

    private SystemInfo() {
    }

    static Map<String, Object> collect() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.vendor") + ")");
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("cpu", cpuModel());
        m.put("cpu_features", String.join(" ", cpuFeatures()));
        m.put("processors", Runtime.getRuntime().availableProcessors());
        m.put("cpu_backend_threads", Backends.cpu().threads());
        m.put("vector_species", org.cassl.tensor.cpu.VectorInfo.preferredBits() + "-bit ("
                + org.cassl.tensor.cpu.VectorInfo.floatLanes() + " float32 lanes)");
        m.put("max_heap", (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
        List<String> gpus = new ArrayList<>();
        List<BackendProvider> providers = Backends.providers();
        if (providers.isEmpty()) {
            gpus.add("no GPU backend on the class path (module 'kernels' not loaded)");
        }
        for (BackendProvider p : providers) {
            String line;
            try {
                line = p.kind().name().toLowerCase() + ": " + (p.isAvailable()
                        ? p.deviceCount() + " device(s); " + p.unavailableReason()
                        : "not used: " + p.unavailableReason());
            } catch (Throwable t) {
                line = p.kind().name().toLowerCase() + ": not used: " + t;
            }
            gpus.add(line);
        }
        m.put("gpu", gpus);
        return m;
    }

    static String cpuModel() {
        for (String line : cpuinfo()) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return System.getProperty("os.arch");
    }

    static List<String> cpuFeatures() {
        List<String> found = new ArrayList<>();
        for (String line : cpuinfo()) {
            if (line.startsWith("flags") || line.startsWith("Features")) {
                List<String> flags = List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                for (String f : FEATURES) {
                    if (flags.contains(f)) {
                        found.add(f);
                    }
                }
                break;
            }
        }
        return found;
    }

    private static List<String> cpuinfo() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
