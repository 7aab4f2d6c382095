package org.cassl.detection.ops;

import org.cassl.autograd.Tape;
import org.cassl.autograd.Variable;
import org.cassl.detection.kernels.DetectionKernels;
import org.cassl.tensor.DTypeMismatchException;
import org.cassl.tensor.DeviceMismatchException;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * torchvision's {@code roi_align} as a differentiable op: the forward and its backward side by
 * side, both on the {@link DetectionKernels} of the input's device.
 */
public final class RoiAlign {
    private RoiAlign() {
    }

    /**
     * RoIAlign on tensors: {@code input [N,C,H,W]}, {@code rois [R,5]} (batch index, x1, y1, x2, y2
     * in input coordinates before {@code spatialScale}) -> {@code [R,C,pooledH,pooledW]}. A
     * {@code samplingRatio <= 0} samples {@code ceil(roi size / bin count)} points per bin.
     */
    public static Tensor forward(Tensor input, Tensor rois, int pooledH, int pooledW, double spatialScale,
                                 int samplingRatio, boolean aligned) {
        if (input == null || rois == null) {
            throw new TensorException("roi_align: tensor argument must not be null");
        }
        if (!input.device().equals(rois.device())) {
            throw new DeviceMismatchException("roi_align: operands are on different devices (" + input.device() + " and "
                    + rois.device() + ")");
        }
        for (Tensor t : new Tensor[] {input, rois}) {
            if (!t.dtype().isFloatingPoint()) {
                throw new DTypeMismatchException("roi_align: expected floating point tensors, got " + t.dtype());
            }
        }
        if (input.dim() != 4) {
            throw new ShapeMismatchException("roi_align: expected input of rank 4, got shape "
                    + java.util.Arrays.toString(input.shape()));
        }
        if (rois.dim() != 2 || rois.size(1) != 5) {
            throw new ShapeMismatchException("roi_align: rois must have shape [R, 5], got "
                    + java.util.Arrays.toString(rois.shape()));
        }
        if (pooledH < 1 || pooledW < 1) {
            throw new TensorException("roi_align: output size must be positive, got " + pooledH + "x" + pooledW);
        }
        Tensor out = Tensor.zeros(input.dtype(), input.device(), rois.size(0), input.size(1), pooledH, pooledW);
        DetectionKernels.of(input).roiAlign(input, rois.to(input.dtype()), spatialScale, samplingRatio, aligned, out);
        return out;
    }

    /** The gradient of {@link #forward} with respect to its input of shape {@code inputShape}. */
    public static Tensor backward(Tensor gradOut, Tensor rois, int[] inputShape, double spatialScale, int samplingRatio,
                                  boolean aligned) {
        Tensor gradIn = Tensor.zeros(gradOut.dtype(), gradOut.device(), inputShape);
        DetectionKernels.of(gradOut).roiAlignBackward(gradOut, rois.to(gradOut.dtype()), spatialScale, samplingRatio,
                aligned, gradIn);
        return gradIn;
    }

    /**
     * RoIAlign on a variable, recorded on the tape: {@code rois} get no gradient. Saves the rois and
     * the input shape.
     */
    public static Variable apply(Variable input, Tensor rois, int pooledH, int pooledW, double spatialScale,
                                 int samplingRatio, boolean aligned) {
        int[] in = input.shape();
        Tensor out = forward(input.data(), rois, pooledH, pooledW, spatialScale, samplingRatio, aligned);
        return Tape.record("roi_align", out, (g, needs) -> new Tensor[] {
            backward(g, rois, in, spatialScale, samplingRatio, aligned)}, input);
    }
}
