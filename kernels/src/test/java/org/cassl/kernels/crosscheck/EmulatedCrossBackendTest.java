package org.cassl.kernels.crosscheck;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.cassl.kernels.CudaBackend;
import org.cassl.kernels.emu.EmulatedRuntime;
import org.cassl.tensor.Backends;
import org.cassl.tensor.MemoryScope;
import org.junit.jupiter.api.Test;

/**
 * The cross-backend suite with the CUDA backend running on the kernel emulator: every Java
 * launcher and every kernel executes (on the CPU) and is compared with the CPU backend. Cases
 * whose CPU reference is not implemented yet are skipped. The strongest evidence available without
 * a GPU; it says nothing about speed or hardware-specific behaviour.
 */
class EmulatedCrossBackendTest {

    @Test
    void emulatedCudaMatchesCpu() {
        String why = EmulatedRuntime.unavailableReason();
        assumeTrue(why == null, () -> "kernel emulation unavailable: " + why);
        CudaBackend gpu = new CudaBackend(new EmulatedRuntime(75, 2), null);
        StringBuilder failures = new StringBuilder();
        int passed = 0;
        try (MemoryScope scope = gpu.openScope()) {
            for (Case c : CrossBackendSuite.cases()) {
                Case.Result r = c.run(Backends.cpu(), gpu, 11L);
                System.out.println(r.toString().lines().findFirst().orElse(""));
                if (r.status() == Case.Status.FAIL) {
                    failures.append(r).append('\n');
                } else if (r.status() == Case.Status.PASS) {
                    passed++;
                }
            }
        } finally {
            gpu.close();
        }
        assertTrue(failures.length() == 0, failures.toString());
        assertTrue(passed > 0);
    }
}
