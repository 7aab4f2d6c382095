package org.cassl.training.data;

import org.cassl.detection.Target;
import org.cassl.tensor.Tensor;

/**
 * One decoded, augmented training image with its ground truth.
 *
 * @param imageId COCO image id
 * @param image   {@code [3, H, W]} float32 in [0, 1]
 * @param target  boxes {@code [G, 4]} (xyxy pixels), labels {@code [G]}, optional masks {@code [G, H, W]}
 */
public record DetectionSample(long imageId, Tensor image, Target target) {
}
