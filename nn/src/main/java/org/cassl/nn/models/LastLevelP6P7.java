package org.cassl.nn.models;

import java.util.List;
import org.cassl.autograd.Variable;
import org.cassl.nn.Init;
import org.cassl.nn.layers.Conv2d;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;

/**
 * torchvision's {@code LastLevelP6P7} (RetinaNet, FCOS): {@code p6 = conv3x3/2(P5 if in == out
 * else C5)}, {@code p7 = conv3x3/2(relu(p6))}; each halves the size rounding up. Weights
 * {@code kaiming_uniform_(a=1)}, biases 0.
 */
public class LastLevelP6P7 extends ExtraFpnBlock {
    private final Conv2d p6;
    private final Conv2d p7;
    private final boolean useP5;

    public LastLevelP6P7(int in, int out, Generator gen) {
        p6 = registerModule("p6", new Conv2d(in, out, 3, 3, Conv2dParams.of(2, 1, 1, 1), true, gen));
        p7 = registerModule("p7", new Conv2d(out, out, 3, 3, Conv2dParams.of(2, 1, 1, 1), true, gen));
        for (Conv2d c : new Conv2d[] {p6, p7}) {
            Init.kaimingUniform(c.weight().data(), 1, gen);
            Init.zeros(c.bias().data());
        }
        useP5 = in == out;
    }

    /** Whether P6 is computed from P5 (else from C5). */
    public boolean usesP5() {
        return useP5;
    }

    @Override
    public List<Variable> apply(List<Variable> results, List<Variable> inputs) {
        Variable x = useP5 ? results.get(results.size() - 1) : inputs.get(inputs.size() - 1);
        Variable y6 = p6.forward(x);
        Variable y7 = p7.forward(y6.relu());
        return List.of(y6, y7);
    }

    @Override
    public List<String> names() {
        return List.of("p6", "p7");
    }
}
