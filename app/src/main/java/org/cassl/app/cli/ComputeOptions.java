package org.cassl.app.cli;

import org.cassl.tensor.Backends;
import org.cassl.training.UserInputException;
import org.cassl.training.api.Defaults;
import org.cassl.training.compute.Devices;
import picocli.CommandLine.Option;

/**
 * Options of every command that computes: the device and the CPU thread count. The thread count is
 * the process's: the command line owns its process, so it sets the shared CPU pool once, before
 * any work starts.
 */
public final class ComputeOptions {
    @Option(names = "--device", paramLabel = "cpu|cuda[:N]", description = "Where to compute (default: ${DEFAULT-VALUE}).")
    String device = Defaults.DEVICE;

    @Option(names = "--threads", paramLabel = "N", description = "CPU worker threads (0: all processors).")
    int threads;

    /**
     * Sets the process's CPU worker count (0 leaves it) and checks the device.
     *
     * @return the device name, checked to be usable
     * @throws UserInputException with the reason when the count is negative or the device unusable
     */
    public String apply() {
        if (threads < 0) {
            throw new UserInputException("--threads must be 0 (all processors) or more, got " + threads);
        }
        if (threads > 0) {
            Backends.setCpuThreads(threads);
        }
        Devices.resolve(device);
        return device;
    }
}
