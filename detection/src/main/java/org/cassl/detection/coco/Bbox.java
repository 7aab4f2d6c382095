package org.cassl.detection.coco;

/**
 * A COCO box in {@code [x, y, width, height]} form (top-left corner and size, in pixels), exactly
 * as stored in the JSON.
 */
public record Bbox(double x, double y, double width, double height) {

    /** Right edge {@code x + width}. */
    public double x2() {
        return x + width;
    }

    /** Bottom edge {@code y + height}. */
    public double y2() {
        return y + height;
    }

    /** {@code width * height}, the area pycocotools gives bbox results. */
    public double area() {
        return width * height;
    }

    /** The box as {@code [x, y, width, height]}. */
    public double[] toArray() {
        return new double[] {x, y, width, height};
    }

    /** The box as corners {@code [x1, y1, x2, y2]} (torchvision's convention). */
    public double[] toXyxy() {
        return new double[] {x, y, x + width, y + height};
    }
}
