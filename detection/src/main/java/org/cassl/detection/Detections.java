package org.cassl.detection;

import org.cassl.tensor.Tensor;

/**
 * Detections of one image, in descending score order.
 *
 * @param boxes  {@code [D, 4]} float (x1, y1, x2, y2) in the original image's pixel coordinates
 * @param scores {@code [D]} float
 * @param labels {@code [D]} I64 class indices
 * @param masks  {@code [D, H, W]} per-detection masks when a mask head ran, else null
 */
public record Detections(Tensor boxes, Tensor scores, Tensor labels, Tensor masks) {
    public Detections(Tensor boxes, Tensor scores, Tensor labels) {
        this(boxes, scores, labels, null);
    }

    public int size() {
        return scores.size(0);
    }
}
