package org.cassl.tensor.cpu;

import org.cassl.tensor.Tensor;

/**
 * Reference implementations of the fused detection primitives: RoIAlign ({@link RoiAlignKernel}),
 * NMS ({@link NmsKernel}) and FCOS assignment ({@link FcosAssignKernel}).
 */
final class CpuDetection {
    private final Parallel par;

    CpuDetection(Parallel par) {
        this.par = par;
    }

    void roiAlign(Tensor input, Tensor rois, double spatialScale, int samplingRatio, boolean aligned, Tensor out) {
        RoiAlignKernel.forward(par, input, rois, spatialScale, samplingRatio, aligned, out);
    }

    void roiAlignBackward(Tensor gradOut, Tensor rois, double spatialScale, int samplingRatio, boolean aligned,
                          Tensor gradIn) {
        RoiAlignKernel.backward(par, gradOut, rois, spatialScale, samplingRatio, aligned, gradIn);
    }

    Tensor nms(Tensor boxes, Tensor scores, double iouThreshold) {
        return NmsKernel.run(boxes, scores, iouThreshold);
    }

    void fcosAssign(Tensor centers, Tensor anchorSizes, Tensor lower, Tensor upper, Tensor gtBoxes, double radius,
                    Tensor matched) {
        FcosAssignKernel.run(par, centers, anchorSizes, lower, upper, gtBoxes, radius, matched);
    }
}
