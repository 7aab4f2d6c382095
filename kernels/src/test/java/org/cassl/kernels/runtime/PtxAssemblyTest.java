package org.cassl.kernels.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every PTX module of the jar assembles to SASS for the real targets (sm_75, sm_80, sm_90; the
 * tensor-core module from sm_80) with the CUDA 12.0 PTX compiler in JCuda's natives, after the ISA
 * version is lowered to 8.0 as the backend does. No GPU is needed. Register, stack and spill
 * figures go to {@code target/ptx-resources.txt} and stdout. The slowest test of the module
 * (about 25 s of CPU: the elementwise and reduce modules have many template instances).
 */
class PtxAssemblyTest {
    /** Local memory a kernel may use: the float trig range reduction needs a small stack frame. */
    static final int MAX_STACK_BYTES = 64;
    static final String[] TARGETS = {"sm_75", "sm_80", "sm_90"};
    private static final List<String> REPORT = new ArrayList<>();

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String m : PtxSource.MODULES) {
            for (String t : TARGETS) {
                if (Integer.parseInt(t.substring(3)) >= PtxSource.minimumSm(m)) {
                    out.add(Arguments.of(m, t));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} for {1}")
    @MethodSource("cases")
    void assemblesWithoutSpills(String module, String target) {
        String ptx = PtxSource.forAssembly(module);
        PtxAssembler.Result r = PtxAssembler.assemble(ptx, target);
        assertTrue(r.success(), () -> module + " does not assemble for " + target + ": " + r.errorLog());
        assertTrue(r.cubin().length > 0);
        Map<String, int[]> entries = PtxSignatures.parse(ptx).all();
        assertFalse(entries.isEmpty(), module + " has no kernels");
        assertEquals(entries.keySet(), r.kernels().keySet(), "assembler report covers every entry of " + module);
        for (Map.Entry<String, PtxAssembler.KernelResources> e : r.kernels().entrySet()) {
            PtxAssembler.KernelResources k = e.getValue();
            synchronized (REPORT) {
                REPORT.add(String.format("%-16s %-26s %-6s regs %3d  stack %3d  spill %d/%d  smem %6d", module, e.getKey(),
                        target, k.registers(), k.stackBytes(), k.spillStores(), k.spillLoads(), k.sharedBytes()));
            }
            assertEquals(0, k.spillStores() + k.spillLoads(), module + "." + e.getKey() + " spills registers on " + target);
            assertTrue(k.stackBytes() <= MAX_STACK_BYTES, module + "." + e.getKey() + " uses " + k.stackBytes()
                    + " bytes of stack on " + target);
            assertTrue(k.registers() <= 255, module + "." + e.getKey() + " needs " + k.registers() + " registers");
        }
    }

    @Test
    void versionIsLoweredOnlyWhenNewer() {
        assertTrue(PtxSource.lowerVersion(".version 9.0\n.target sm_75\n").startsWith(".version 8.0\n"));
        assertTrue(PtxSource.lowerVersion(".version 7.8\n.target sm_75\n").startsWith(".version 7.8\n"));
        assertTrue(PtxSource.raw("gemm").contains(".version"), "shipped PTX keeps nvcc's header");
    }

    /**
     * The ready-made cubins the GPU machine loads (bench/prepare-gpu-check.sh builds them for every
     * module with {@link CubinBundle}): a bundle round-trips, its cubins are ELF files for the asked
     * target only, and a cubin is refused when the PTX it came from differs from the jar's.
     */
    @Test
    void cubinBundleServesOnlyCubinsOfTheSamePtx(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path jar = dir.resolve("cubins.jar");
        String report = CubinBundle.write(jar, new String[] {"nms", "gemm_tf32_sm80"}, new String[] {"sm_75", "sm_90"});
        assertTrue(report.contains("nms") && report.contains("sm_90"), report);
        CubinBundle b = CubinBundle.read(jar);
        assertEquals(3, b.size(), "nms for sm_75 and sm_90, the tensor-core module for sm_90 only");
        String ptx = PtxSource.forAssembly("nms");
        byte[] c = b.cubin("nms", "sm_90", ptx);
        assertTrue(c != null && c.length > 4 && c[0] == 0x7f && c[1] == 'E' && c[2] == 'L' && c[3] == 'F');
        assertTrue(b.cubin("nms", "sm_80", ptx) == null, "no cubin for a target not built");
        assertTrue(b.cubin("gemm_tf32_sm80", "sm_75", PtxSource.forAssembly("gemm_tf32_sm80")) == null);
        assertTrue(b.cubin("nms", "sm_90", ptx + "// other PTX\n") == null, "stale cubin refused");
    }

    @Test
    void compilerIsTheCuda12One() {
        assertEquals("12.0", PtxAssembler.compilerVersion());
    }

    @Test
    void brokenPtxIsReportedNotThrown() {
        PtxAssembler.Result r = PtxAssembler.assemble(".version 8.0\n.target sm_80\n.address_size 64\n"
                + ".visible .entry broken() { bogus.instruction; }\n", "sm_80");
        assertFalse(r.success());
        assertFalse(r.errorLog().isEmpty());
    }

    @AfterAll
    static void writeReport() throws IOException {
        List<String> lines = new ArrayList<>(REPORT);
        lines.sort(null);
        Path out = Path.of("target", "ptx-resources.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, lines);
        System.out.println("PTX assembly report (" + lines.size() + " kernel/target pairs) in " + out.toAbsolutePath());
        lines.stream().filter(l -> l.contains("sm_90")).forEach(System.out::println);
    }
}
