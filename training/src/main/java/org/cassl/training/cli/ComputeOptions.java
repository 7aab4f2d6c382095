package org.cassl.training.cli;

import org.cassl.tensor.Backends;
import org.cassl.tensor.Device;
import org.cassl.training.UserInputException;
import picocli.CommandLine.Option;

/** Options of every command that computes: the device and the CPU thread count. */
public final class ComputeOptions {
    @Option(names = "--device", defaultValue = CliDefaults.DEVICE, paramLabel = "cpu|cuda[:N]",
            description = "Where to compute (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", defaultValue = CliDefaults.CPU_THREADS, paramLabel = "N",
            description = "CPU worker threads (0: all processors).")
    int threads;

    /** Applies the thread count and resolves the device (failing with the reason when unusable). */
    public Device apply() {
        return apply(device, threads);
    }

    /**
     * Sets the CPU worker count (process-wide; 0 leaves it as it is) and resolves {@code device},
     * checking that its backend is usable.
     *
     * @throws UserInputException with the reason when the count is negative or the device unusable
     */
    public static Device apply(String device, int threads) {
        if (threads < 0) {
            throw new UserInputException("--threads must be 0 (all processors) or more, got " + threads);
        }
        if (threads > 0) {
            Backends.setCpuThreads(threads);
        }
        Device d;
        try {
            d = Device.parse(device);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        Backends.forDevice(d);
        return d;
    }
}
