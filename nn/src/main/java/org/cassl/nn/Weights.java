package org.cassl.nn;

import java.nio.file.Path;
import java.util.Map;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.io.SafeTensors;
import org.cassl.tensor.io.WeightFiles;

/**
 * Module weights as files keyed by torchvision's state-dict names: written as safetensors, read from
 * safetensors or from PyTorch checkpoints ({@code .pth}/{@code .pt}/{@code .bin}, see {@link WeightFiles}).
 */
public final class Weights {
    private Weights() {
    }

    /** All tensors of a safetensors file or PyTorch checkpoint, in file order. */
    public static Map<String, Tensor> load(Path path) {
        return WeightFiles.read(path);
    }

    /**
     * Writes the module's state dict atomically, including {@code num_batches_tracked}, so
     * torchvision's {@code load_state_dict(strict=True)} accepts it.
     */
    public static void save(Module module, Path path) {
        SafeTensors.write(path, module.stateDict());
    }

    /** Writes the state dict with string metadata. */
    public static void save(Module module, Path path, Map<String, String> metadata) {
        SafeTensors.write(path, module.stateDict(), metadata);
    }

    /** Loads a safetensors file or PyTorch checkpoint into a module; see {@link Module#loadStateDict}. */
    public static LoadResult loadInto(Module module, Path path, boolean strict) {
        return module.loadStateDict(load(path), strict);
    }
}
