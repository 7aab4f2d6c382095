package org.cassl.app.shapes;

import java.util.List;

/**
 * One annotated object of a rendered image: what it is and the part of it that is visible after
 * occlusion by later objects and clipping by the image border.
 *
 * @param kind       what was drawn
 * @param categoryId its COCO category id under the generating config (labeled classes first)
 * @param novel      whether the kind is a novel (unlabeled-only) kind
 * @param x          left of the visible bounding box (pixel-corner coordinates)
 * @param y          top of the visible bounding box
 * @param width      visible bounding box width in pixels
 * @param height     visible bounding box height in pixels
 * @param area       number of visible pixels
 * @param fullArea   number of pixels the whole object would cover with nothing on top and no
 *                   border, so {@code area / fullArea} is its visible fraction
 * @param polygons   COCO polygons of the visible region, flattened {@code [x0, y0, x1, y1, ...]}
 * @param mask       visible pixels, row-major {@code [height * width]} within the bounding box
 */
public record ShapeInstance(
        ShapeKind kind,
        int categoryId,
        boolean novel,
        int x,
        int y,
        int width,
        int height,
        int area,
        int fullArea,
        List<int[]> polygons,
        boolean[] mask) {

    /** Whether image pixel {@code (px, py)} belongs to the visible part of this object. */
    public boolean visibleAt(int px, int py) {
        int lx = px - x;
        int ly = py - y;
        return lx >= 0 && ly >= 0 && lx < width && ly < height && mask[ly * width + lx];
    }

    /** The COCO bounding box {@code [x, y, w, h]} of the visible part. */
    public int[] bbox() {
        return new int[] {x, y, width, height};
    }
}
