package org.cassl.nn;

import java.util.List;
import org.cassl.tensor.TensorException;

/**
 * A state dict that does not fit a module. Lists every problem at once: missing keys, unexpected
 * keys and shape mismatches (with both shapes), in the style of PyTorch's
 * {@code load_state_dict} error. Nothing is loaded when this is thrown.
 */
public class StateDictException extends TensorException {
    private final List<String> missingKeys;
    private final List<String> unexpectedKeys;
    private final List<ShapeMismatch> shapeMismatches;

    /**
     * One key whose tensor has the wrong shape.
     *
     * @param key        the state-dict key
     * @param checkpoint the shape found in the state dict being loaded
     * @param model      the shape the module expects
     */
    public record ShapeMismatch(String key, int[] checkpoint, int[] model) {
        @Override
        public String toString() {
            return "size mismatch for " + key + ": copying a param with shape " + java.util.Arrays.toString(checkpoint)
                    + " from checkpoint, the shape in current model is " + java.util.Arrays.toString(model);
        }
    }

    public StateDictException(String moduleName, List<String> missingKeys, List<String> unexpectedKeys,
                              List<ShapeMismatch> shapeMismatches) {
        super(message(moduleName, missingKeys, unexpectedKeys, shapeMismatches));
        this.missingKeys = List.copyOf(missingKeys);
        this.unexpectedKeys = List.copyOf(unexpectedKeys);
        this.shapeMismatches = List.copyOf(shapeMismatches);
    }

    public List<String> missingKeys() {
        return missingKeys;
    }

    public List<String> unexpectedKeys() {
        return unexpectedKeys;
    }

    public List<ShapeMismatch> shapeMismatches() {
        return shapeMismatches;
    }

    private static String message(String moduleName, List<String> missing, List<String> unexpected,
                                  List<ShapeMismatch> mismatches) {
        StringBuilder sb = new StringBuilder("Error(s) in loading state_dict for ").append(moduleName).append(':');
        if (!missing.isEmpty()) {
            sb.append("\n\tMissing key(s) in state_dict: ").append(quoted(missing)).append('.');
        }
        if (!unexpected.isEmpty()) {
            sb.append("\n\tUnexpected key(s) in state_dict: ").append(quoted(unexpected)).append('.');
        }
        for (ShapeMismatch m : mismatches) {
            sb.append("\n\t").append(m).append('.');
        }
        return sb.toString();
    }

    private static String quoted(List<String> keys) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append('"').append(keys.get(i)).append('"');
        }
        return sb.toString();
    }
}
