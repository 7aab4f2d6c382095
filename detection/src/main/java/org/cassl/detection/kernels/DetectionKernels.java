package org.cassl.detection.kernels;

import org.cassl.tensor.BackendUnavailableException;
import org.cassl.tensor.Device;
import org.cassl.tensor.Tensor;

/**
 * The detection models' own fused kernels (RoIAlign, NMS, FCOS target assignment), registered
 * outside the tensor {@link org.cassl.tensor.Backend} the way torchvision registers its ops
 * outside torch: a device's implementation is found through {@link DetectionKernelsProvider}s on
 * the class path ({@link java.util.ServiceLoader}); the CPU implementation ({@link CpuDetectionKernels}) is
 * built in and is the reference every other implementation is tested against.
 *
 * <p>Contract shared by all methods (as for {@code Backend}): the caller has validated shapes,
 * dtypes (float32 or float64) and devices; every tensor lives on the implementation's device;
 * inputs may be strided views; outputs passed in are contiguous and allocated by the caller.
 */
public interface DetectionKernels {

    /**
     * RoIAlign (torchvision semantics): {@code input [N,C,H,W]}, {@code rois [R,5]} as
     * (batch index, x1, y1, x2, y2) in input coordinates before {@code spatialScale}, of the
     * input's dtype; writes {@code out [R,C,pooledH,pooledW]}.
     */
    void roiAlign(Tensor input, Tensor rois, double spatialScale, int samplingRatio, boolean aligned, Tensor out);

    /** Adjoint of {@link #roiAlign}, accumulated into zeroed {@code gradIn} of the input's shape. */
    void roiAlignBackward(Tensor gradOut, Tensor rois, double spatialScale, int samplingRatio, boolean aligned,
                          Tensor gradIn);

    /**
     * Greedy NMS with torchvision's semantics: {@code boxes [N,4]} (x1,y1,x2,y2), {@code scores [N]};
     * suppresses IoU strictly above the threshold; returns kept indices (I64, on the boxes' device)
     * by descending score.
     */
    Tensor nms(Tensor boxes, Tensor scores, double iouThreshold);

    /**
     * FCOS target assignment (torchvision rules) for one image: {@code centers [P,2]} anchor
     * centres (x, y), {@code anchorSizes [P]}, {@code lower [P]}/{@code upper [P]} the scale range
     * of each point's level, {@code gtBoxes [G,4]}. Writes to {@code matched [P]} (I64) the index
     * of the smallest-area box whose centre region (radius x anchor size), interior and scale range
     * contain the point, or -1.
     */
    void fcosAssign(Tensor centers, Tensor anchorSizes, Tensor lower, Tensor upper, Tensor gtBoxes, double radius,
                    Tensor matched);

    /**
     * The kernels for a device: the first provider on the class path that serves it, cached per
     * device; for the CPU the built-in reference when no provider is registered.
     *
     * @throws BackendUnavailableException naming the device when no provider serves it
     */
    static DetectionKernels forDevice(Device device) {
        return KernelRegistry.forDevice(device);
    }

    /** The kernels for the device a tensor lives on. */
    static DetectionKernels of(Tensor t) {
        return forDevice(t.device());
    }

    /** The CPU reference implementation (on the shared CPU backend's threads). */
    static DetectionKernels cpu() {
        return KernelRegistry.CPU;
    }
}
