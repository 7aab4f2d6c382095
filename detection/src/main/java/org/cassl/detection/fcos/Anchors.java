package org.cassl.detection.fcos;

import java.util.Arrays;
import java.util.List;
import org.cassl.tensor.Tensor;

/**
 * The anchor boxes of one padded batch, shared by all its images: one square box per feature
 * location, centred on the FCOS point, with the level's anchor size as its side.
 *
 * @param boxes          {@code [P, 4]} (x1, y1, x2, y2), levels concatenated, row-major (y, x) within a level
 * @param pointsPerLevel the number of points of each level (sums to P)
 */
public record Anchors(Tensor boxes, int[] pointsPerLevel) {
    public Anchors {
        pointsPerLevel = pointsPerLevel.clone();
        int total = Arrays.stream(pointsPerLevel).sum();
        if (boxes.dim() != 2 || boxes.size(1) != 4 || boxes.size(0) != total) {
            throw new org.cassl.tensor.ShapeMismatchException("Anchors: boxes " + Arrays.toString(boxes.shape())
                    + " do not match " + total + " points over levels " + Arrays.toString(pointsPerLevel));
        }
    }

    @Override
    public int[] pointsPerLevel() {
        return pointsPerLevel.clone();
    }

    public int numPoints() {
        return boxes.size(0);
    }

    public int numLevels() {
        return pointsPerLevel.length;
    }

    /** Centres {@code [P, 2]} (x, y): {@code (x1 + x2) / 2}, as torchvision computes them. */
    public Tensor centers() {
        return boxes.slice(1, 0, 2).add(boxes.slice(1, 2, 4)).div(2);
    }

    /** Anchor widths {@code [P]} ({@code x2 - x1}), the per-point size that ranges and radii scale with. */
    public Tensor sizes() {
        return boxes.select(1, 2).sub(boxes.select(1, 0));
    }

    /** The anchors of each level as views {@code [P_l, 4]}. */
    public List<Tensor> perLevel() {
        return boxes.split(pointsPerLevel, 0);
    }
}
