package org.cassl.training.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.cassl.tensor.Tensor;

/**
 * One saved training state: model weights, optimiser tensors and a JSON document with everything
 * else (iteration, loader position, generator states, schedule, config fingerprint).
 *
 * @param dir       the checkpoint folder
 * @param iteration the number of completed iterations
 * @param weights   model state dict (torchvision names)
 * @param optimizer optimiser tensors (e.g. momentum buffers)
 * @param state     the JSON state
 */
public record Checkpoint(Path dir, long iteration, Map<String, Tensor> weights, Map<String, Tensor> optimizer,
                         JsonNode state) {
}
