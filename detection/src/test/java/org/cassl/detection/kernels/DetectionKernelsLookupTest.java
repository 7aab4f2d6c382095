package org.cassl.detection.kernels;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ServiceLoader;
import org.cassl.tensor.BackendUnavailableException;
import org.cassl.tensor.Device;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** How {@link DetectionKernels#forDevice} finds implementations. */
class DetectionKernelsLookupTest {

    @Test
    void theCpuIsServedByTheRegisteredReference() {
        assertTrue(ServiceLoader.load(DetectionKernelsProvider.class).stream()
                .anyMatch(p -> p.type() == CpuDetectionKernelsProvider.class), "CPU provider registered");
        DetectionKernels k = DetectionKernels.forDevice(Device.CPU);
        assertInstanceOf(CpuDetectionKernels.class, k);
        assertSame(k, DetectionKernels.forDevice(Device.CPU));
        assertSame(k, DetectionKernels.of(Tensor.zeros(2)));
        assertSame(DetectionKernels.cpu(), k);
    }

    @Test
    void aDeviceWithoutProviderIsAClearError() {
        // this module's tests have no CUDA provider on the class path
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> DetectionKernels.forDevice(Device.cuda(3)));
        assertTrue(e.getMessage().contains("cuda:3"), e.getMessage());
    }
}
