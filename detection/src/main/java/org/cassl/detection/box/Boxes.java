package org.cassl.detection.box;

import java.util.Arrays;
import java.util.List;
import org.cassl.tensor.DType;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * Box utilities with torchvision's {@code ops/boxes.py} semantics. Boxes are {@code (x1, y1, x2, y2)}
 * with {@code x1 <= x2, y1 <= y2}; no "+1" pixel convention anywhere. Integer boxes stay integer
 * where torchvision keeps them integer (areas) and give float32 ratios (IoU).
 */
public final class Boxes {
    private Boxes() {
    }

    /** Rejects anything but a {@code [N, 4]} tensor. */
    static void checkBoxes(String op, String what, Tensor boxes) {
        if (boxes == null) {
            throw new TensorException(op + ": " + what + " must not be null");
        }
        if (boxes.dim() != 2 || boxes.size(1) != 4) {
            throw new ShapeMismatchException(op + ": " + what + " must have shape [N, 4], got "
                    + Arrays.toString(boxes.shape()));
        }
    }

    /** Column {@code k} of {@code [..., 4]} boxes as a view {@code [...]}. */
    static Tensor coord(Tensor boxes, int k) {
        return boxes.select(boxes.dim() - 1, k);
    }

    /** Areas {@code (x2 - x1) * (y2 - y1)}: {@code [N, 4] -> [N]}. */
    public static Tensor area(Tensor boxes) {
        checkBoxes("box_area", "boxes", boxes);
        return coord(boxes, 2).sub(coord(boxes, 0)).mul(coord(boxes, 3).sub(coord(boxes, 1)));
    }

    /** Intersection and union of every pair: both {@code [N, M]}. */
    private static Tensor[] interUnion(Tensor a, Tensor b) {
        Tensor areaA = area(a);
        Tensor areaB = area(b);
        Tensor aMin = a.slice(1, 0, 2).unsqueeze(1);
        Tensor aMax = a.slice(1, 2, 4).unsqueeze(1);
        Tensor lt = aMin.maximum(b.slice(1, 0, 2));
        Tensor rb = aMax.minimum(b.slice(1, 2, 4));
        Tensor wh = rb.sub(lt).clampMin(0);
        Tensor inter = wh.select(2, 0).mul(wh.select(2, 1));
        Tensor union = areaA.unsqueeze(1).add(areaB).sub(inter);
        return new Tensor[] {inter, union};
    }

    /** Pairwise IoU {@code inter / union}: {@code [N, 4] x [M, 4] -> [N, M]} (0/0 gives NaN, as torchvision). */
    public static Tensor iou(Tensor a, Tensor b) {
        checkBoxes("box_iou", "boxes1", a);
        checkBoxes("box_iou", "boxes2", b);
        Tensor[] iu = interUnion(a, b);
        return iu[0].div(iu[1]);
    }

    /**
     * Pairwise generalized IoU {@code iou - (C - union) / C} with C the area of the smallest
     * enclosing box: {@code [N, 4] x [M, 4] -> [N, M]}.
     */
    public static Tensor generalizedIou(Tensor a, Tensor b) {
        checkBoxes("generalized_box_iou", "boxes1", a);
        checkBoxes("generalized_box_iou", "boxes2", b);
        Tensor[] iu = interUnion(a, b);
        Tensor iou = iu[0].div(iu[1]);
        Tensor lti = a.slice(1, 0, 2).unsqueeze(1).minimum(b.slice(1, 0, 2));
        Tensor rbi = a.slice(1, 2, 4).unsqueeze(1).maximum(b.slice(1, 2, 4));
        Tensor whi = rbi.sub(lti).clampMin(0);
        Tensor enclosing = whi.select(2, 0).mul(whi.select(2, 1));
        return iou.sub(enclosing.sub(iu[1]).div(enclosing));
    }

    /**
     * Clamps x to {@code [0, width]} and y to {@code [0, height]}: {@code [..., 4] -> [..., 4]}
     * of the same dtype.
     */
    public static Tensor clipToImage(Tensor boxes, int height, int width) {
        if (boxes.dim() < 1 || boxes.size(-1) != 4) {
            throw new ShapeMismatchException("clip_boxes_to_image: boxes must have shape [..., 4], got "
                    + Arrays.toString(boxes.shape()));
        }
        if (height < 0 || width < 0) {
            throw new TensorException("clip_boxes_to_image: image size must be non-negative, got " + height + "x" + width);
        }
        Tensor x1 = coord(boxes, 0).clamp(0, width);
        Tensor y1 = coord(boxes, 1).clamp(0, height);
        Tensor x2 = coord(boxes, 2).clamp(0, width);
        Tensor y2 = coord(boxes, 3).clamp(0, height);
        return Tensor.stack(List.of(x1, y1, x2, y2), boxes.dim() - 1).to(boxes.dtype());
    }

    /** Indices (I64, ascending) of the boxes whose width and height are both {@code >= minSize}. */
    public static Tensor removeSmall(Tensor boxes, double minSize) {
        checkBoxes("remove_small_boxes", "boxes", boxes);
        Tensor ws = coord(boxes, 2).sub(coord(boxes, 0));
        Tensor hs = coord(boxes, 3).sub(coord(boxes, 1));
        Tensor keep = ws.ge(minSize).logicalAnd(hs.ge(minSize));
        return whereTrue(keep);
    }

    /** Positions (I64, ascending) of the true elements of a 1-D bool tensor. */
    public static Tensor whereTrue(Tensor mask) {
        if (mask.dim() != 1 || mask.dtype() != DType.BOOL) {
            throw new ShapeMismatchException("where: expected a 1-D bool mask, got " + mask.dtype() + " "
                    + Arrays.toString(mask.shape()));
        }
        if (mask.numel() == 0) {
            return Tensor.zeros(DType.I64, mask.device(), 0);
        }
        return mask.nonzero().reshape(-1);
    }

    /** Converts {@code (x, y, w, h)} boxes {@code [..., 4]} to {@code (x1, y1, x2, y2)}. */
    public static Tensor xywhToXyxy(Tensor boxes) {
        Tensor x = coord(boxes, 0);
        Tensor y = coord(boxes, 1);
        return Tensor.stack(List.of(x, y, x.add(coord(boxes, 2)), y.add(coord(boxes, 3))), boxes.dim() - 1);
    }

    /** Converts {@code (x1, y1, x2, y2)} boxes {@code [..., 4]} to {@code (x, y, w, h)}. */
    public static Tensor xyxyToXywh(Tensor boxes) {
        Tensor x1 = coord(boxes, 0);
        Tensor y1 = coord(boxes, 1);
        return Tensor.stack(List.of(x1, y1, coord(boxes, 2).sub(x1), coord(boxes, 3).sub(y1)), boxes.dim() - 1);
    }
}
