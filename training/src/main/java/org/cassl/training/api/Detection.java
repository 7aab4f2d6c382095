package org.cassl.training.api;

import java.util.Objects;

/**
 * One detected object.
 *
 * @param box   where it is, in the original image's pixels
 * @param score the detector's confidence in [0, 1]
 * @param label the class index (for COCO-trained models the COCO category id, torchvision's
 *              convention; for models trained with cassl the annotation file's category id)
 * @param mask  its instance mask when the model has a mask head, else null
 */
public record Detection(Box box, float score, int label, Mask mask) {
    /**
     * Checks the box is present.
     *
     * @param box where it is
     * @param score the confidence
     * @param label the class index
     * @param mask the mask, or null
     * @throws NullPointerException if {@code box} is null
     */
    public Detection {
        Objects.requireNonNull(box, "box");
    }

    /**
     * Whether a mask came with the detection.
     *
     * @return {@code mask() != null}
     */
    public boolean hasMask() {
        return mask != null;
    }
}
