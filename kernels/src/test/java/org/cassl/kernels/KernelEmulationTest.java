package org.cassl.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the CUDA kernels themselves on the CPU: each {@code src/test/cuda-emu/emu_*.cpp} compiles
 * the {@code .cu} files it tests as C++20 with the small emulator {@code cuda_emu.h} (threads as
 * fibers, real barriers and warp shuffles) and checks them against direct references, adjoint
 * identities and finite differences. This is the evidence for kernel logic available without a
 * GPU; it cannot show timing, memory-model or hardware-specific behaviour. Skipped without g++
 * or off x86-64 (the fiber switch is x86-64 assembly).
 */
class KernelEmulationTest {
    static final Path EMU = Path.of("src/test/cuda-emu");
    static final Path CUDA = Path.of("src/main/cuda");

    static Stream<String> programs() throws IOException {
        try (Stream<Path> s = Files.list(EMU)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("emu_") && n.endsWith(".cpp")).sorted()
                    .toList().stream();
        }
    }

    static boolean haveCompiler() {
        if (!System.getProperty("os.arch").matches("amd64|x86_64")) {
            return false;
        }
        try {
            Process p = new ProcessBuilder("g++", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void kernelsPassUnderEmulation(String program) throws Exception {
        assumeTrue(haveCompiler(), "g++ (x86-64) is needed to emulate the kernels");
        Path out = Path.of("target", "emu", program.replace(".cpp", ""));
        Files.createDirectories(out.getParent());
        if (stale(out)) {
            List<String> cmd = List.of("g++", "-std=c++20", "-O1", "-DCASSL_EMU", "-include", EMU.resolve("cuda_emu.h").toString(),
                    "-I" + CUDA, "-I" + EMU, EMU.resolve(program).toString(), "-o", out.toString());
            String log = run(cmd, 300);
            assertEquals(true, Files.exists(out), "compilation failed:\n" + log);
        }
        Process p = new ProcessBuilder(out.toAbsolutePath().toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = p.waitFor(300, TimeUnit.SECONDS);
        System.out.print(output);
        assertEquals(true, finished, program + " timed out");
        assertEquals(0, p.exitValue(), program + " reported failures:\n" + output);
    }

    /** Whether the binary is missing or older than any emulator, test or kernel source. */
    static boolean stale(Path bin) throws IOException {
        if (!Files.exists(bin)) {
            return true;
        }
        FileTime built = Files.getLastModifiedTime(bin);
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> a = Files.list(EMU); Stream<Path> b = Files.list(CUDA)) {
            a.forEach(sources::add);
            b.forEach(sources::add);
        }
        for (Path s : sources) {
            if (Files.getLastModifiedTime(s).compareTo(built) > 0) {
                return true;
            }
        }
        return false;
    }

    private static String run(List<String> cmd, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(seconds, TimeUnit.SECONDS);
        return log;
    }
}
