package org.cassl.nn.models;

import java.util.List;
import org.cassl.autograd.Variable;
import org.cassl.autograd.Functional;
import org.cassl.tensor.Pool2dParams;

/** torchvision's {@code LastLevelMaxPool}: {@code max_pool2d(last, kernel 1, stride 2)} named {@code pool}. */
public class LastLevelMaxPool extends ExtraFpnBlock {
    @Override
    public List<Variable> apply(List<Variable> results, List<Variable> inputs) {
        return List.of(Functional.maxPool2d(results.get(results.size() - 1), Pool2dParams.of(1, 2, 0)));
    }

    @Override
    public List<String> names() {
        return List.of("pool");
    }
}
