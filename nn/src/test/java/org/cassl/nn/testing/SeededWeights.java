package org.cassl.nn.testing;

import java.util.Map;
import org.cassl.nn.Module;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;

/**
 * Deterministic weights both Java and the golden generators build (tools/golden/gen_nn.py,
 * {@code fill_seeded}): state-dict entry k (in order, {@code num_batches_tracked} skipped) is
 * uniform from {@code new Generator(1000 + k)} over a range chosen by its key and shape. Lets
 * parity tests use full-size models without storing their weights.
 */
public final class SeededWeights {
    private SeededWeights() {
    }

    /** Fills every state-dict entry of {@code module} in place. */
    public static void fill(Module module) {
        int k = 0;
        for (Map.Entry<String, Tensor> e : module.stateDict().entrySet()) {
            if (Module.isNumBatchesTracked(e.getKey())) {
                continue;
            }
            Tensor t = e.getValue();
            double[] r = range(e.getKey(), t.shape());
            t.copyFrom(Tensor.uniform(new Generator(1000 + k), r[0], r[1], t.dtype(), t.shape()));
            k++;
        }
    }

    /** The uniform range of an entry; the same rule as {@code weight_range} in gen_nn.py. */
    public static double[] range(String key, int[] shape) {
        String last = key.substring(key.lastIndexOf('.') + 1);
        if (shape.length == 4) {
            double b = Math.sqrt(6.0 / (shape[1] * shape[2] * shape[3]));
            return new double[] {-b, b};
        }
        if (last.equals("running_var") || last.equals("weight")) {
            return new double[] {0.5, 1.5};
        }
        return new double[] {-0.1, 0.1};
    }

    /** {@code n} uniform values in [lo, hi) from {@code new Generator(seed)}, as gen_nn.py's seeded_uniform. */
    public static Tensor uniform(long seed, double lo, double hi, int... shape) {
        return Tensor.uniform(new Generator(seed), lo, hi, org.cassl.tensor.DType.F32, shape);
    }
}
