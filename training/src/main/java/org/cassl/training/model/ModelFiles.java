package org.cassl.training.model;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.Device;
import org.cassl.training.UserInputException;

/** Loading a model from a config JSON and a safetensors weights file, with one-line errors. */
public final class ModelFiles {
    private ModelFiles() {
    }

    public static FcosConfig config(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("config file not found: " + file);
        }
        return FcosConfig.load(file);
    }

    /** A model with the weights of {@code weights} (strict: every tensor must fit the config), on {@code device}. */
    public static Fcos load(Path configFile, Path weights, Device device) {
        return load(config(configFile), weights, device);
    }

    public static Fcos load(FcosConfig cfg, Path weights, Device device) {
        if (!Files.isRegularFile(weights)) {
            throw new UserInputException("weights file not found: " + weights);
        }
        Fcos model = Fcos.forLoading(cfg);
        model.loadWeights(weights);
        if (!device.isCpu()) {
            model.to(device);
        }
        return model;
    }
}
