package org.cassl.tensor.cpu;

import org.cassl.tensor.Tensor;

/** Reference implementations of the fused detection primitives: RoIAlign, NMS, FCOS assignment. */
final class CpuDetection {
    private final Parallel par;

    CpuDetection(Parallel par) {
        this.par = par;
    }

    void roiAlign(Tensor input, Tensor rois, double spatialScale, int samplingRatio, boolean aligned, Tensor out) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    void roiAlignBackward(Tensor gradOut, Tensor rois, double spatialScale, int samplingRatio, boolean aligned,
                          Tensor gradIn) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    Tensor nms(Tensor boxes, Tensor scores, double iouThreshold) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    void fcosAssign(Tensor centers, Tensor anchorSizes, Tensor lower, Tensor upper, Tensor gtBoxes, double radius,
                    Tensor matched) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
