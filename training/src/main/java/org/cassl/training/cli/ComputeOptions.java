package org.cassl.training.cli;

import org.cassl.tensor.Backends;
import org.cassl.tensor.Device;
import org.cassl.training.UserInputException;
import picocli.CommandLine.Option;

/** Options of every command that computes: the device and the CPU thread count. */
public final class ComputeOptions {
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]",
            description = "Where to compute (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "CPU worker threads (0: all processors).")
    int threads;

    /** Applies the thread count and resolves the device (failing with the reason when unusable). */
    public Device apply() {
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
