package org.cassl.kernels.crosscheck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.cassl.kernels.CudaBackendProvider;
import org.cassl.tensor.Backend;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Device;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;

/** The cross-backend suite under JUnit: skipped (assumption) where no CUDA device is available. */
class CrossBackendSuiteTest {

    @TestFactory
    Stream<DynamicTest> cudaMatchesCpu() {
        CudaBackendProvider p = new CudaBackendProvider();
        assumeTrue(p.isAvailable(), () -> "no CUDA: " + p.unavailableReason());
        Backend cpu = Backends.cpu();
        Backend gpu = Backends.forDevice(Device.cuda(0));
        return CrossBackendSuite.cases().stream().map(c -> DynamicTest.dynamicTest(c.family() + ": " + c.name(), () -> {
            Case.Result r = c.run(cpu, gpu, 20240601L);
            if (r.status() == Case.Status.SKIP) {
                throw new TestAbortedException(r.message());
            }
            assertTrue(r.status() == Case.Status.PASS, r.message());
        }));
    }

    /**
     * Runs everywhere: the suite itself works, comparing the vectorised CPU backend with its scalar
     * path standing in for the GPU. Cases whose CPU primitive is not implemented yet are skipped.
     */
    @Test
    void suiteRunsCpuAgainstScalarCpu() {
        org.cassl.tensor.cpu.CpuBackend scalar = new org.cassl.tensor.cpu.CpuBackend(1, false);
        try {
            int ran = 0;
            StringBuilder failures = new StringBuilder();
            for (Case c : CrossBackendSuite.cases()) {
                Case.Result r = c.run(Backends.cpu(), scalar, 7L);
                System.out.println(r.toString().lines().findFirst().orElse(""));
                if (r.status() == Case.Status.FAIL) {
                    failures.append(r).append('\n');
                }
                if (r.status() == Case.Status.PASS) {
                    ran++;
                }
            }
            assertTrue(failures.length() == 0, failures.toString());
            assertTrue(ran > 0, "no case could run on the CPU");
        } finally {
            scalar.close();
        }
    }

    /** Runs everywhere: the suite is well-formed (unique names, every family present). */
    @Test
    void suiteIsWellFormed() {
        Set<String> names = new HashSet<>();
        Set<String> families = new HashSet<>();
        for (Case c : CrossBackendSuite.cases()) {
            assertTrue(names.add(c.family() + "/" + c.name()), "duplicate case " + c.name());
            families.add(c.family());
        }
        assertTrue(families.containsAll(Set.of("elementwise", "reduce", "linalg", "conv", "nn", "indexing", "detection")));
        assertFalse(names.isEmpty());
        assertTrue(names.size() > 50, "cases: " + names.size());
    }
}
