package org.cassl.nn;

import java.util.List;

/**
 * What a non-strict {@link Module#loadStateDict} left out (PyTorch's {@code _IncompatibleKeys}).
 *
 * @param missingKeys    module keys the state dict did not provide (left unchanged)
 * @param unexpectedKeys state-dict keys the module does not have (ignored)
 */
public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
    public LoadResult {
        missingKeys = List.copyOf(missingKeys);
        unexpectedKeys = List.copyOf(unexpectedKeys);
    }

    /** Whether every key matched. */
    public boolean isComplete() {
        return missingKeys.isEmpty() && unexpectedKeys.isEmpty();
    }
}
