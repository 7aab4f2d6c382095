package org.cassl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The executor device: {@code auto} becomes {@code cuda:<address>} of the first GPU Spark assigned
 * to the task (the map {@code TaskContext.resources()} gives, faked here), the CPU without one; an
 * explicit device is kept.
 */
class ExecutorDeviceTest {
    @Test
    void autoTakesTheAssignedGpu() {
        assertEquals("cuda:3", ExecutorDevice.choose("auto", Map.of("gpu", new String[] {"3", "5"})));
        assertEquals("cuda:0", ExecutorDevice.choose("auto", Map.of("gpu", new String[] {" 0 "}, "fpga", new String[] {"f1"})));
    }

    @Test
    void autoWithoutAGpuIsTheCpu() {
        assertEquals("cpu", ExecutorDevice.choose("auto", Map.of()));
        assertEquals("cpu", ExecutorDevice.choose("auto", Map.of("gpu", new String[0])));
        assertEquals("cpu", ExecutorDevice.choose("auto", Map.of("fpga", new String[] {"1"})));
        assertEquals("cpu", ExecutorDevice.current("auto"), "no task here: the CPU");
    }

    @Test
    void anExplicitDeviceIsKept() {
        assertEquals("cuda:1", ExecutorDevice.choose("cuda:1", Map.of("gpu", new String[] {"0"})));
        assertEquals("cpu", ExecutorDevice.choose("cpu", Map.of("gpu", new String[] {"0"})));
    }

    @Test
    void aNonNumericGpuAddressIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExecutorDevice.choose("auto", Map.of("gpu", new String[] {"GPU-8f3a"})));
        assertEquals(true, e.getMessage().contains("GPU-8f3a"), e.getMessage());
    }
}
