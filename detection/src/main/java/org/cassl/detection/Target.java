package org.cassl.detection;

import java.util.Arrays;
import org.cassl.tensor.DType;
import org.cassl.tensor.DTypeMismatchException;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;

/**
 * Ground truth of one image, torchvision's target dict as a record.
 *
 * @param boxes  {@code [G, 4]} float (x1, y1, x2, y2) in the image's pixel coordinates
 * @param labels {@code [G]} I64 class indices (torchvision convention: COCO category ids, 0 unused)
 * @param masks  {@code [G, H, W]} U8 instance masks of the image, or null when there are none
 */
public record Target(Tensor boxes, Tensor labels, Tensor masks) {
    public Target {
        if (boxes == null || boxes.dim() != 2 || boxes.size(1) != 4) {
            throw new ShapeMismatchException("Target: boxes must have shape [G, 4], got "
                    + (boxes == null ? "null" : Arrays.toString(boxes.shape())));
        }
        if (!boxes.dtype().isFloatingPoint()) {
            throw new DTypeMismatchException("Target: boxes must be floating point, got " + boxes.dtype());
        }
        if (labels == null || labels.dim() != 1 || labels.size(0) != boxes.size(0)) {
            throw new ShapeMismatchException("Target: labels must have shape [" + boxes.size(0) + "], got "
                    + (labels == null ? "null" : Arrays.toString(labels.shape())));
        }
        if (labels.dtype() != DType.I64) {
            throw new DTypeMismatchException("Target: labels must be int64, got " + labels.dtype());
        }
        if (masks != null && (masks.dim() != 3 || masks.size(0) != boxes.size(0))) {
            throw new ShapeMismatchException("Target: masks must have shape [" + boxes.size(0) + ", H, W], got "
                    + Arrays.toString(masks.shape()));
        }
    }

    /** A target without masks. */
    public Target(Tensor boxes, Tensor labels) {
        this(boxes, labels, null);
    }

    public int size() {
        return boxes.size(0);
    }

    /** This target with other boxes (and masks), e.g. after resizing. */
    public Target withBoxes(Tensor newBoxes, Tensor newMasks) {
        return new Target(newBoxes, labels, newMasks);
    }

    /** This target's tensors on {@code device} (itself when they are there already). */
    public Target to(org.cassl.tensor.Device device) {
        if (boxes.device().equals(device)) {
            return this;
        }
        return new Target(boxes.to(device), labels.to(device), masks == null ? null : masks.to(device));
    }
}
