package org.cassl.tensor.cpu;

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

    // x * 1 is exact, so the norm's row pass with scale 1 is exactly o + b (+ residual), ReLU
    private void applyF32(float[] o, int s, float b, int len) {
        AffineRow.f32(o, s, o, s, (float[]) residual, s + residualDelta, len, 1f, b, relu, vectorized);
    }

    private void applyF64(double[] o, int s, double b, int len) {
        AffineRow.f64(o, s, o, s, (double[]) residual, s + residualDelta, len, 1.0, b, relu);
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
