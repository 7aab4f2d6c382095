package org.cassl.training.compute;

import org.cassl.tensor.Backends;
import org.cassl.tensor.Device;
import org.cassl.training.UserInputException;

/** Device names to usable devices, with the reason when one is not usable. */
public final class Devices {
    private Devices() {
    }

    /**
     * Resolves {@code name} ({@code cpu}, {@code cuda}, {@code cuda:N}) and checks that its backend
     * loads: never a silent fallback to another device.
     *
     * @throws UserInputException naming the device and why it cannot be used
     */
    public static Device resolve(String name) {
        Device d;
        try {
            d = Device.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        Backends.forDevice(d);
        return d;
    }
}
