package org.cassl.kernels.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cassl.kernels.CudaBackendProvider;
import org.cassl.kernels.CudaInfo;
import org.cassl.tensor.BackendProvider;
import org.cassl.tensor.BackendUnavailableException;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Device;
import org.junit.jupiter.api.Test;

/** The unavailable path: on machines without a driver the provider says why and never throws. */
class DriverProbeTest {

    /** Whether the driver library is installed where the loader looks. */
    static boolean driverInstalled() {
        for (String d : new String[] {"/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu",
            "/usr/local/cuda/lib64", "/usr/lib/wsl/lib"}) {
            if (Files.exists(Path.of(d, "libcuda.so.1"))) {
                return true;
            }
        }
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String d : ld.split(":")) {
                if (!d.isEmpty() && Files.exists(Path.of(d, "libcuda.so.1"))) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void withoutDriverTheProviderExplainsWhy() {
        assumeFalse(driverInstalled(), "a CUDA driver is installed here");
        CudaBackendProvider p = new CudaBackendProvider();
        assertFalse(p.isAvailable());
        assertEquals("no CUDA driver (libcuda.so.1 not found)", p.unavailableReason());
        assertEquals(0, p.deviceCount());
        assertEquals(Device.Kind.CUDA, p.kind());
        assertFalse(Backends.isAvailable(Device.Kind.CUDA));
        BackendUnavailableException e = org.junit.jupiter.api.Assertions.assertThrows(BackendUnavailableException.class,
                () -> Backends.forDevice(Device.cuda(0)));
        assertTrue(e.getMessage().contains("libcuda.so.1"), e.getMessage());
        assertTrue(CudaInfo.lines().get(0).contains("libcuda.so.1 not found"), CudaInfo.lines().toString());
    }

    @Test
    void providerIsRegisteredWithTheServiceLoader() {
        boolean found = false;
        for (BackendProvider p : Backends.providers()) {
            found |= p instanceof CudaBackendProvider;
        }
        assertTrue(found);
    }

    @Test
    void linkErrorsBecomeOneLineReasons() {
        UnsatisfiedLinkError missingDriver = new UnsatisfiedLinkError("Error while loading native library \"JCudaDriver\"\n"
                + "/tmp/libJCudaDriver.so: libcuda.so.1: cannot open shared object file: No such file or directory");
        assertEquals("no CUDA driver (libcuda.so.1 not found)", DriverProbe.describe(missingDriver));
        String other = DriverProbe.describe(new UnsatisfiedLinkError("no JCudaDriver in java.library.path\nmore"));
        assertTrue(other.startsWith("JCuda driver bindings could not be loaded: no JCudaDriver"), other);
        assertFalse(other.contains("\n"));
        assertTrue(DriverProbe.describe(new IllegalStateException("x")).startsWith("CUDA driver probe failed"));
        assertEquals("13.0", DriverProbe.versionString(13000));
        assertEquals("12.4", DriverProbe.versionString(12040));
    }

    @Test
    void cublasStatusNeverThrows() {
        String s = CudaInfo.cublasStatus();
        assertTrue(s.startsWith("loaded") || s.startsWith("not loaded"), s);
    }
}
