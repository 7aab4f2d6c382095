package org.cassl.training.api;

/**
 * An axis-aligned box in the pixel coordinates of the original image (x to the right, y down),
 * corners {@code (x1, y1)} top left and {@code (x2, y2)} bottom right, as torchvision returns them.
 *
 * @param x1 left edge
 * @param y1 top edge
 * @param x2 right edge
 * @param y2 bottom edge
 */
public record Box(float x1, float y1, float x2, float y2) {
    /**
     * The horizontal extent.
     *
     * @return {@code x2 - x1}
     */
    public float width() {
        return x2 - x1;
    }

    /**
     * The vertical extent.
     *
     * @return {@code y2 - y1}
     */
    public float height() {
        return y2 - y1;
    }

    /**
     * The area (0 for a degenerate box).
     *
     * @return {@code max(0, width) * max(0, height)}
     */
    public float area() {
        return Math.max(0, width()) * Math.max(0, height());
    }
}
