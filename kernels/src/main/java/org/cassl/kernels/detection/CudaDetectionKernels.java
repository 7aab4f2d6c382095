package org.cassl.kernels.detection;

import org.cassl.detection.kernels.DetectionKernels;
import org.cassl.kernels.CudaBackend;
import org.cassl.kernels.ops.CudaDetection;
import org.cassl.tensor.Tensor;

/**
 * The detection kernels on one CUDA device: {@code roi_align.cu}, {@code nms.cu} (bitmask NMS)
 * and {@code fcos_assign.cu}, launched on the stream and with the caching allocator of a
 * {@link CudaBackend}. Tested against {@link DetectionKernels#cpu()}.
 */
public final class CudaDetectionKernels implements DetectionKernels {
    private final CudaDetection launchers;

    /** The kernels on {@code backend}'s device (any backend instance, registered or not). */
    public CudaDetectionKernels(CudaBackend backend) {
        this.launchers = backend.detection();
    }

    @Override
    public void roiAlign(Tensor input, Tensor rois, double spatialScale, int samplingRatio, boolean aligned, Tensor out) {
        launchers.roiAlign(input, rois, spatialScale, samplingRatio, aligned, out);
    }

    @Override
    public void roiAlignBackward(Tensor gradOut, Tensor rois, double spatialScale, int samplingRatio, boolean aligned,
                                 Tensor gradIn) {
        launchers.roiAlignBackward(gradOut, rois, spatialScale, samplingRatio, aligned, gradIn);
    }

    @Override
    public Tensor nms(Tensor boxes, Tensor scores, double iouThreshold) {
        return launchers.nms(boxes, scores, iouThreshold);
    }

    @Override
    public void fcosAssign(Tensor centers, Tensor anchorSizes, Tensor lower, Tensor upper, Tensor gtBoxes, double radius,
                           Tensor matched) {
        launchers.fcosAssign(centers, anchorSizes, lower, upper, gtBoxes, radius, matched);
    }
}
