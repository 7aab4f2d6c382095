package org.cassl.detection.fcos;

import java.util.List;
import org.cassl.autograd.Variable;
import org.cassl.detection.Detections;
import org.cassl.detection.FcosConfig;
import org.cassl.tensor.Tensor;

/**
 * The segmentation head on top of FCOS, one of the config's {@code mask_head} values: {@code none}
 * (boxes only), {@code condinst} (CondInst's dynamic mask head) or {@code roi} (a Mask R-CNN style
 * RoI head). {@link Fcos} calls it the same way whichever it is.
 */
public interface MaskHead {
    /** The head of {@code mask_head: none}: no parameters, no loss, no masks. */
    MaskHead NONE = new MaskHead() {
        @Override
        public FcosConfig.MaskHead kind() {
            return FcosConfig.MaskHead.NONE;
        }

        @Override
        public Variable loss(Fcos.Forward fw, List<Tensor> matched, FcosPostProcessor postProcessor) {
            return null;
        }

        @Override
        public List<Tensor> masks(Fcos.Forward fw, FcosPostProcessor.Result result, List<Detections> resized,
                                  List<int[]> originalSizes) {
            return null;
        }
    };

    /** Which head this is. */
    FcosConfig.MaskHead kind();

    /**
     * The mask loss of a training forward whose targets carry masks, or null without a head.
     *
     * @param matched       per image, the matched ground-truth index of every anchor {@code [HWA]}
     * @param postProcessor the model's post-processing (a RoI head samples detections as RoIs)
     */
    Variable loss(Fcos.Forward fw, List<Tensor> matched, FcosPostProcessor postProcessor);

    /**
     * Mask probabilities {@code [D, H, W]} per image at its original size for the post-processed
     * detections (boxes in the resized images' pixels), or null without a head.
     */
    List<Tensor> masks(Fcos.Forward fw, FcosPostProcessor.Result result, List<Detections> resized,
                       List<int[]> originalSizes);
}
