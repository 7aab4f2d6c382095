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
