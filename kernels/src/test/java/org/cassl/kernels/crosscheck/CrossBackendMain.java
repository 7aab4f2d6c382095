package org.cassl.kernels.crosscheck;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cassl.kernels.CudaBackendProvider;
import org.cassl.kernels.CudaInfo;
import org.cassl.tensor.Backend;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Device;

/**
 * Runs the cross-backend suite without JUnit (for the GPU machine): prints one line per case,
 * writes the full report to the file given as first argument, and exits with status 1 when a case
 * fails, 2 when no GPU is available. An optional second argument keeps only cases whose family or
 * name contains it.
 */
public final class CrossBackendMain {
    private CrossBackendMain() {
    }

    public static void main(String[] args) throws IOException {
        Path report = Path.of(args.length > 0 ? args[0] : "cross-backend.txt");
        String filter = args.length > 1 ? args[1] : "";
        List<String> lines = new ArrayList<>(CudaInfo.lines());
        lines.forEach(System.out::println);
        CudaBackendProvider provider = new CudaBackendProvider();
        if (!provider.isAvailable()) {
            System.out.println("cross-backend suite not run: " + provider.unavailableReason());
            Files.write(report, lines);
            System.exit(2);
        }
        Backend cpu = Backends.cpu();
        Backend gpu = Backends.forDevice(Device.cuda(0));
        int pass = 0;
        int fail = 0;
        int skip = 0;
        long seed = Long.getLong("cassl.seed", 20240601L);
        for (Case c : CrossBackendSuite.cases()) {
            if (!(c.family() + " " + c.name()).contains(filter)) {
                continue;
            }
            Case.Result r = c.run(cpu, gpu, seed);
            String line = r.toString();
            System.out.println(line.lines().findFirst().orElse(line));
            lines.add(line);
            switch (r.status()) {
                case PASS: pass++; break;
                case FAIL: fail++; break;
                default: skip++; break;
            }
        }
        String summary = String.format("cross-backend: %d passed, %d failed, %d skipped (CPU reference missing)", pass, fail,
                skip);
        System.out.println(summary);
        lines.add(summary);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(report))) {
            lines.forEach(w::println);
        }
        System.exit(fail > 0 ? 1 : 0);
    }
}
