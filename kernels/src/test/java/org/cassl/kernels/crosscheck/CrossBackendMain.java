package org.cassl.kernels.crosscheck;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.cassl.kernels.CudaBackend;
import org.cassl.kernels.CudaBackendProvider;
import org.cassl.kernels.CudaInfo;
import org.cassl.tensor.MemoryScope;
import org.cassl.kernels.emu.EmulatedRuntime;
import org.cassl.tensor.Backend;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Device;

/**
 * Runs the cross-backend suite without JUnit, for {@code bench/gpu-check.sh} (on the GPU machine, or
 * here on the kernel emulator with {@code --emulate}). One JVM, hence one CUDA context, per family:
 * <pre>
 *   CrossBackendMain --list-families
 *   CrossBackendMain [--emulate] [--family F] [--from K] [--summary FILE] [--filter S] [REPORT]
 * </pre>
 * It first appends {@code PLAN family n} (the number of cases) to the summary file; before each case it appends {@code START family #k name} to the summary file, after it one line
 * {@code PASS|FAIL|SKIP family #k name ...}, flushed at once, so a JVM killed by a timeout or a
 * crash leaves the case it was running on record. {@code --from K} resumes a family after case K-1.
 * The full report (failure messages, stack traces) is appended to REPORT. Exit status: 0 all
 * passed, 1 a case failed, 2 no device, 3 the CUDA context was lost (a sticky fault such as
 * {@code CUDA_ERROR_ILLEGAL_ADDRESS}): later cases of the family need a fresh JVM, from the next
 * case on.
 */
public final class CrossBackendMain {
    /** CUresult names after which the context is unusable. */
    private static final String[] STICKY = {
        "CUDA_ERROR_ILLEGAL_ADDRESS", "CUDA_ERROR_LAUNCH_FAILED", "CUDA_ERROR_MISALIGNED_ADDRESS",
        "CUDA_ERROR_ILLEGAL_INSTRUCTION", "CUDA_ERROR_HARDWARE_STACK_ERROR", "CUDA_ERROR_INVALID_PC",
        "CUDA_ERROR_INVALID_ADDRESS_SPACE", "CUDA_ERROR_ASSERT", "CUDA_ERROR_LAUNCH_TIMEOUT", "CUDA_ERROR_CONTEXT_IS_DESTROYED",
    };

    private CrossBackendMain() {
    }

    /** The families of the suite, in suite order. */
    static List<String> families() {
        Set<String> f = new LinkedHashSet<>();
        for (Case c : CrossBackendSuite.cases()) {
            f.add(c.family());
        }
        return new ArrayList<>(f);
    }

    /**
     * Entry point; see the class comment for the arguments.
     *
     * @param args command line
     * @throws IOException when the report or summary cannot be written
     */
    public static void main(String[] args) throws IOException {
        boolean emulate = false;
        String family = null;
        String filter = "";
        int from = 0;
        Path summary = null;
        Path report = Path.of("cross-backend.txt");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--list-families" -> {
                    families().forEach(System.out::println);
                    return;
                }
                case "--emulate" -> emulate = true;
                case "--family" -> family = args[++i];
                case "--from" -> from = Integer.parseInt(args[++i]);
                case "--summary" -> summary = Path.of(args[++i]);
                case "--filter" -> filter = args[++i];
                default -> report = Path.of(args[i]);
            }
        }
        List<Case> cases = new ArrayList<>();
        for (Case c : CrossBackendSuite.cases()) {
            if ((family == null || c.family().equals(family)) && (c.family() + " " + c.name()).contains(filter)) {
                cases.add(c);
            }
        }
        try (PrintWriter sum = summary == null ? null : append(summary); PrintWriter rep = append(report)) {
            System.exit(run(cases, family, from, emulate, sum, rep));
        }
    }

    private static PrintWriter append(Path p) throws IOException {
        if (p.getParent() != null) {
            Files.createDirectories(p.getParent());
        }
        return new PrintWriter(Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), true);
    }

    private static void emit(PrintWriter w, String line) {
        if (w != null) {
            w.println(line);
            w.flush();
        }
    }

    private static int run(List<Case> cases, String family, int from, boolean emulate, PrintWriter sum, PrintWriter rep) {
        emit(sum, "PLAN " + (family == null ? "all" : family) + " " + cases.size());
        Backend gpu;
        CudaBackend emulated = null;
        if (emulate) {
            String why = EmulatedRuntime.unavailableReason();
            if (why != null) {
                System.out.println("cross-backend suite not run: kernel emulation unavailable: " + why);
                emit(rep, "kernel emulation unavailable: " + why);
                return 2;
            }
            emulated = new CudaBackend(new EmulatedRuntime(75, 2), null);
            gpu = emulated;
            emit(rep, "device: CUDA kernel emulator (sm_75, 2 SMs) on the CPU");
        } else {
            CudaInfo.lines().forEach(l -> {
                System.out.println(l);
                emit(rep, l);
            });
            CudaBackendProvider provider = new CudaBackendProvider();
            if (!provider.isAvailable()) {
                System.out.println("cross-backend suite not run: " + provider.unavailableReason());
                emit(rep, "cross-backend suite not run: " + provider.unavailableReason());
                return 2;
            }
            gpu = Backends.forDevice(Device.cuda(0));
        }
        Backend cpu = Backends.cpu();
        long seed = Long.getLong("cassl.seed", emulate ? 11L : 20240601L);
        int pass = 0;
        int fail = 0;
        int skip = 0;
        boolean lost = false;
        try (MemoryScope scope = emulate ? gpu.openScope() : null) {
            for (int k = from; k < cases.size() && !lost; k++) {
                Case c = cases.get(k);
                emit(sum, String.format("START %s #%d %s", c.family(), k, c.name()));
                Case.Result r = c.run(cpu, gpu, seed);
                String msg = r.message() == null ? "" : r.message().lines().findFirst().orElse("");
                String line = String.format("%-4s %s #%d %s  (%d ms, max rel err %.2e)%s", r.status(), c.family(), k, c.name(),
                        r.millis(), r.maxRelError(), msg.isEmpty() ? "" : "  " + msg);
                System.out.println(line);
                emit(sum, line);
                emit(rep, r.toString());
                switch (r.status()) {
                    case PASS -> pass++;
                    case FAIL -> fail++;
                    default -> skip++;
                }
                if (r.status() == Case.Status.FAIL && r.message() != null) {
                    for (String s : STICKY) {
                        if (r.message().contains(s)) {
                            lost = true;
                            emit(rep, "the CUDA context is lost (" + s + "): the rest of the family needs a fresh process");
                        }
                    }
                }
            }
        } finally {
            if (emulated != null) {
                emulated.close();
            }
        }
        String tally = String.format("cross-backend: %d passed, %d failed, %d skipped (CPU reference missing)", pass, fail, skip);
        System.out.println(tally);
        emit(rep, tally);
        return lost ? 3 : fail > 0 ? 1 : 0;
    }
}
