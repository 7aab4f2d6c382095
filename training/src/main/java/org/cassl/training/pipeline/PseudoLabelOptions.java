package org.cassl.training.pipeline;

/**
 * How teacher detections become pseudo-labels (specs/ca-ssl.md, step 2).
 *
 * @param tau            keep detections with score >= tau
 * @param nmsThreshold   class-agnostic NMS IoU threshold (one box per object whatever its class)
 * @param maxPerImage    at most this many pseudo-labels per image
 * @param batchSize      images per teacher forward pass
 */
public record PseudoLabelOptions(double tau, double nmsThreshold, int maxPerImage, int batchSize)
        implements java.io.Serializable {
    public PseudoLabelOptions {
        if (!(tau >= 0 && tau <= 1)) {
            throw new IllegalArgumentException("tau must be in [0, 1], got " + tau);
        }
        if (!(nmsThreshold >= 0 && nmsThreshold <= 1)) {
            throw new IllegalArgumentException("NMS threshold must be in [0, 1], got " + nmsThreshold);
        }
        if (maxPerImage < 1 || batchSize < 1) {
            throw new IllegalArgumentException("max per image and batch size must be positive");
        }
    }

    public static PseudoLabelOptions defaults() {
        return new PseudoLabelOptions(0.5, 0.6, 100, 8);
    }

    public PseudoLabelOptions withTau(double t) {
        return new PseudoLabelOptions(t, nmsThreshold, maxPerImage, batchSize);
    }
}
