package org.cassl.bench.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.cassl.kernels.CudaBackend;
import org.cassl.kernels.emu.EmulatedRuntime;
import org.cassl.tensor.Backends;
import org.junit.jupiter.api.Test;

/**
 * The whole-model check ({@link FcosStepCheck}: an FCOS training step and detect) with the CUDA
 * backend over the kernel emulator against the CPU backend. Skipped where the emulator cannot be
 * built (no g++ or libffi).
 */
class EmulatedFcosStepTest {

    @Test
    void fcosStepOnEmulatedCudaMatchesCpu() throws Exception {
        String why = EmulatedRuntime.unavailableReason();
        assumeTrue(why == null, () -> "kernel emulation unavailable: " + why);
        CudaBackend gpu = FcosStepCheck.emulatedBackend();
        FcosStepCheck.Result r;
        try {
            r = FcosStepCheck.run(gpu);
        } finally {
            Backends.uninstall(gpu);
            gpu.close();
        }
        assertTrue(r.ok(), String.join("\n", r.lines()));
    }
}
