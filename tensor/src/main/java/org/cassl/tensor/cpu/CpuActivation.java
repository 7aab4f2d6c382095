package org.cassl.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;

/**
 * Fused activation gradients on dense float tensors. The generic ReLU backward,
 * {@code where(y > 0, g, 0)}, makes a boolean mask in one pass over memory and selects in a
 * second; here one pass reads y and g and writes the gradient, on all threads.
 */
final class CpuActivation {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Elements per chunk handed to a thread (small tensors stay on the calling thread). */
    private static final int GRAIN = 1 << 15;

    private final Parallel par;
    private final boolean vectorized;

    CpuActivation(Parallel par, boolean vectorized) {
        this.par = par;
        this.vectorized = vectorized;
    }

    /** Whether {@link #reluBackward} handles these operands (dense F32 of one shape). */
    static boolean handles(Tensor y, Tensor g, Tensor out) {
        return y.dtype() == DType.F32 && g.dtype() == DType.F32 && out.dtype() == DType.F32 && y.isContiguous()
                && g.isContiguous() && out.isContiguous() && y.numel() == g.numel() && g.numel() == out.numel();
    }

    /** {@code out = y > 0 ? g : 0} elementwise (NaN in y gives 0, as {@code where(y.gt(0), g, 0)} does). */
    void reluBackward(Tensor y, Tensor g, Tensor out) {
        float[] ya = ((CpuStorage) y.storage()).f32();
        float[] ga = ((CpuStorage) g.storage()).f32();
        float[] oa = ((CpuStorage) out.storage()).f32();
        int yo = y.offset();
        int go = g.offset();
        int oo = out.offset();
        par.forRange((int) out.numel(), GRAIN, (s, e) -> {
            int i = s;
            if (vectorized) {
                FloatVector zero = FloatVector.zero(F);
                for (int bound = s + F.loopBound(e - s); i < bound; i += F.length()) {
                    VectorMask<Float> pass = FloatVector.fromArray(F, ya, yo + i).compare(VectorOperators.GT, 0f);
                    zero.blend(FloatVector.fromArray(F, ga, go + i), pass).intoArray(oa, oo + i);
                }
            }
            for (; i < e; i++) {
                oa[oo + i] = ya[yo + i] > 0 ? ga[go + i] : 0f;
            }
        });
    }
}
