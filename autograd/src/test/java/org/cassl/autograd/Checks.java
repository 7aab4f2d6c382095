package org.cassl.autograd;

import java.util.function.Function;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.Executable;

/** Test helpers: seeded float64 inputs and gradcheck calls. */
final class Checks {
    private Checks() {
    }

    /** Standard normal float64 values. */
    static Tensor randn(long seed, int... shape) {
        return Tensor.normal(new Generator(seed), 0, 1, DType.F64, shape);
    }

    /** Uniform float64 values in [lo, hi). */
    static Tensor uniform(long seed, double lo, double hi, int... shape) {
        return Tensor.uniform(new Generator(seed), lo, hi, DType.F64, shape);
    }

    /** Normal values pushed at least {@code gap} away from 0 (for |x|, relu and friends). */
    static Tensor awayFromZero(long seed, double gap, int... shape) {
        Tensor x = randn(seed, shape);
        return x.add(x.sign().mul(gap));
    }

    /**
     * A non-contiguous float64 view of shape {@code shape}: the transpose of its last two dims
     * over a contiguous base.
     */
    static Tensor transposed(long seed, int... shape) {
        int r = shape.length;
        int[] base = shape.clone();
        base[r - 1] = shape[r - 2];
        base[r - 2] = shape[r - 1];
        return randn(seed, base).transpose(-1, -2);
    }

    /** Every other element along dim 0 of a base twice as long: a strided view. */
    static Tensor strided(long seed, int... shape) {
        int[] base = shape.clone();
        base[0] = 2 * shape[0];
        return randn(seed, base).slice(0, 0, base[0], 2);
    }

    static void gradcheck(Function<Variable[], Variable> f, Tensor... inputs) {
        run(() -> GradCheck.assertGradients(f, inputs));
    }

    static void gradcheck(Function<Variable[], Variable> f, GradCheck.Options o, Tensor... inputs) {
        run(() -> GradCheck.assertGradients(f, o, inputs));
    }

    static DynamicTest case_(String name, Function<Variable[], Variable> f, Tensor... inputs) {
        return DynamicTest.dynamicTest(name, () -> gradcheck(f, inputs));
    }

    /** Runs a test body, rethrowing checked exceptions as assertion errors. */
    static void run(Executable body) {
        try {
            body.execute();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
