package org.cassl.detection.fcos;

import java.util.List;
import org.cassl.autograd.Variable;
import org.cassl.nn.Init;
import org.cassl.nn.layers.Conv2d;
import org.cassl.nn.models.ExtraFpnBlock;
import org.cassl.nn.models.LastLevelP6P7;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;

/**
 * The pyramid levels above P5 as the config's {@code fpn_levels} asks: torchvision's
 * {@link LastLevelP6P7} for P3-P7 (the default, same weights and initialisation), P6 alone (the
 * same {@code p6} convolution under the same name), or nothing above P5.
 */
final class ExtraLevels {
    private ExtraLevels() {
    }

    /** The extra block for a pyramid ending at {@code maxLevel} (5, 6 or 7) with {@code f} channels. */
    static ExtraFpnBlock forMaxLevel(int maxLevel, int f, Generator gen) {
        return switch (maxLevel) {
            case 7 -> new LastLevelP6P7(f, f, gen);
            case 6 -> new P6Only(f, gen);
            case 5 -> new None();
            default -> throw new IllegalArgumentException("FCOS pyramid must end at P5, P6 or P7, got P" + maxLevel);
        };
    }

    /** {@code p6 = conv3x3/2(P5)}: the first half of {@link LastLevelP6P7}. */
    static final class P6Only extends ExtraFpnBlock {
        private final Conv2d p6;

        P6Only(int f, Generator gen) {
            p6 = registerModule("p6", new Conv2d(f, f, 3, 3, Conv2dParams.of(2, 1, 1, 1), true, gen));
            Init.kaimingUniform(p6.weight().data(), 1, gen);
            Init.zeros(p6.bias().data());
        }

        @Override
        public List<Variable> apply(List<Variable> results, List<Variable> inputs) {
            return List.of(p6.forward(results.get(results.size() - 1)));
        }

        @Override
        public List<String> names() {
            return List.of("p6");
        }
    }

    /** No level above P5. */
    static final class None extends ExtraFpnBlock {
        @Override
        public List<Variable> apply(List<Variable> results, List<Variable> inputs) {
            return List.of();
        }

        @Override
        public List<String> names() {
            return List.of();
        }
    }
}
