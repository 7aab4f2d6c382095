package org.cassl.detection.kernels;

import java.util.function.Supplier;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.cpu.CpuBackend;
import org.cassl.tensor.cpu.Parallel;

/**
 * The reference detection kernels on the CPU heap: RoIAlign ({@link RoiAlignKernel}), NMS
 * ({@link NmsKernel}, {@link NmsGrid}) and FCOS assignment ({@link FcosAssignKernel}), run on a
 * CPU backend's worker threads. Results do not depend on the thread count.
 */
public final class CpuDetectionKernels implements DetectionKernels {
    private final Supplier<Parallel> par;

    /** On the shared CPU backend's threads ({@link Backends#cpu()}, looked up per call). */
    public CpuDetectionKernels() {
        this.par = () -> Backends.cpu().parallel();
    }

    /** On the threads of a given CPU backend. */
    public CpuDetectionKernels(CpuBackend backend) {
        Parallel p = backend.parallel();
        this.par = () -> p;
    }

    @Override
    public void roiAlign(Tensor input, Tensor rois, double spatialScale, int samplingRatio, boolean aligned, Tensor out) {
        RoiAlignKernel.forward(par.get(), input, rois, spatialScale, samplingRatio, aligned, out);
    }

    @Override
    public void roiAlignBackward(Tensor gradOut, Tensor rois, double spatialScale, int samplingRatio, boolean aligned,
                                 Tensor gradIn) {
        RoiAlignKernel.backward(par.get(), gradOut, rois, spatialScale, samplingRatio, aligned, gradIn);
    }

    @Override
    public Tensor nms(Tensor boxes, Tensor scores, double iouThreshold) {
        return NmsKernel.run(boxes, scores, iouThreshold);
    }

    @Override
    public void fcosAssign(Tensor centers, Tensor anchorSizes, Tensor lower, Tensor upper, Tensor gtBoxes, double radius,
                           Tensor matched) {
        FcosAssignKernel.run(par.get(), centers, anchorSizes, lower, upper, gtBoxes, radius, matched);
    }
}
