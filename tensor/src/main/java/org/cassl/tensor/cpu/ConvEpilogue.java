package org.cassl.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.cassl.tensor.Conv2dFusion;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;

/**
 * The end of an inference convolution ({@link Conv2dFusion} less the weight scale, which goes
 * into the packed weights): adds the per-channel bias and the residual and applies ReLU to a band
 * of output rows right after its GEMM wrote them, while they are still in cache, instead of
 * separate passes over the whole output.
 */
final class ConvEpilogue {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private final float[] biasF;
    private final double[] biasD;
    private final Object residual;
    /** Index in {@link #residual} minus index in the output of the same element. */
    private final int residualDelta;
    private final boolean relu;
    private final boolean vectorized;

    private ConvEpilogue(double[] bias, Tensor residual, Tensor out, boolean relu, boolean vectorized) {
        boolean f32 = out.dtype() == DType.F32;
        this.biasD = f32 ? null : bias;
        this.biasF = f32 && bias != null ? toFloats(bias) : null;
        Tensor r = residual == null || residual.isContiguous() ? residual : residual.contiguous();
        this.residual = r == null ? null : ((CpuStorage) r.storage()).array();
        this.residualDelta = r == null ? 0 : r.offset() - out.offset();
        this.relu = relu;
        this.vectorized = vectorized;
    }

    /** The epilogue of {@code f} for the dense output {@code out}. */
    static ConvEpilogue of(Conv2dFusion f, Tensor out, boolean vectorized) {
        double[] bias = f.bias() == null ? null : f.bias().to(DType.F64).contiguous().toDoubleArray();
        return new ConvEpilogue(bias, f.residual(), out, f.relu(), vectorized);
    }

    /**
     * Finishes {@code len} values of each of {@code channels} output planes (plane stride
     * {@code plane}) from {@code off}; channel {@code c} of them is output channel {@code k0 + c}.
     */
    void apply(Object out, int off, int k0, int channels, int len, int plane) {
        for (int c = 0; c < channels; c++) {
            int s = off + c * plane;
            if (out instanceof float[] o) {
                applyF32(o, s, biasF == null ? 0f : biasF[k0 + c], len);
            } else {
                applyF64((double[]) out, s, biasD == null ? 0 : biasD[k0 + c], len);
            }
        }
    }

    private void applyF32(float[] o, int s, float b, int len) {
        float[] r = (float[]) residual;
        int rs = s + residualDelta;
        int j = 0;
        if (vectorized) {
            for (int bound = F.loopBound(len); j < bound; j += F.length()) {
                FloatVector v = FloatVector.fromArray(F, o, s + j).add(b);
                if (r != null) {
                    v = v.add(FloatVector.fromArray(F, r, rs + j));
                }
                if (relu) {
                    v = v.blend(0f, v.compare(VectorOperators.LE, 0f));
                }
                v.intoArray(o, s + j);
            }
        }
        for (; j < len; j++) {
            float v = o[s + j] + b;
            if (r != null) {
                v += r[rs + j];
            }
            o[s + j] = relu && v <= 0 ? 0f : v;
        }
    }

    private void applyF64(double[] o, int s, double b, int len) {
        double[] r = (double[]) residual;
        int rs = s + residualDelta;
        for (int j = 0; j < len; j++) {
            double v = o[s + j] + b;
            if (r != null) {
                v += r[rs + j];
            }
            o[s + j] = relu && v <= 0 ? 0.0 : v;
        }
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
