package org.cassl.detection.box;

import java.util.Arrays;
import java.util.List;
import org.cassl.autograd.Tape;
import org.cassl.autograd.Variable;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;

/**
 * FCOS's box coder (torchvision {@code det_utils.BoxLinearCoder}): a box is encoded by the
 * distances from the reference box's centre to its four edges {@code (l, t, r, b)}, optionally
 * divided by the reference box's width/height. The arithmetic follows torchvision step by step
 * so float32 results agree to the last bit.
 */
public final class BoxLinearCoder {
    private final boolean normalizeBySize;

    /** @param normalizeBySize divide distances by the reference width (l, r) and height (t, b) */
    public BoxLinearCoder(boolean normalizeBySize) {
        this.normalizeBySize = normalizeBySize;
    }

    public boolean normalizeBySize() {
        return normalizeBySize;
    }

    private static void check(String op, Tensor a, Tensor b) {
        if (a.dim() < 1 || a.size(-1) != 4 || !Arrays.equals(a.shape(), b.shape())) {
            throw new ShapeMismatchException(op + ": expected two box tensors of one shape [..., 4], got "
                    + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()));
        }
    }

    /**
     * Encodes {@code proposals [..., 4]} relative to {@code reference [..., 4]} (same shape):
     * {@code (cx - x1, cy - y1, x2 - cx, y2 - cy)}, over {@code (w, h, w, h)} when normalising.
     */
    public Tensor encode(Tensor reference, Tensor proposals) {
        check("BoxLinearCoder.encode", reference, proposals);
        Tensor cx = Boxes.coord(reference, 0).add(Boxes.coord(reference, 2)).mul(0.5);
        Tensor cy = Boxes.coord(reference, 1).add(Boxes.coord(reference, 3)).mul(0.5);
        Tensor l = cx.sub(Boxes.coord(proposals, 0));
        Tensor t = cy.sub(Boxes.coord(proposals, 1));
        Tensor r = Boxes.coord(proposals, 2).sub(cx);
        Tensor b = Boxes.coord(proposals, 3).sub(cy);
        Tensor targets = Tensor.stack(List.of(l, t, r, b), reference.dim() - 1);
        if (normalizeBySize) {
            targets = targets.div(sizes(reference));
        }
        return targets;
    }

    /** {@code (w, h, w, h)} of reference boxes, {@code [..., 4]}. */
    private static Tensor sizes(Tensor boxes) {
        Tensor w = Boxes.coord(boxes, 2).sub(Boxes.coord(boxes, 0));
        Tensor h = Boxes.coord(boxes, 3).sub(Boxes.coord(boxes, 1));
        return Tensor.stack(List.of(w, h, w, h), boxes.dim() - 1);
    }

    /** {@code (cx, cy, cx, cy)} of reference boxes, {@code [..., 4]}. */
    private static Tensor centres(Tensor boxes) {
        Tensor cx = Boxes.coord(boxes, 0).add(Boxes.coord(boxes, 2)).mul(0.5);
        Tensor cy = Boxes.coord(boxes, 1).add(Boxes.coord(boxes, 3)).mul(0.5);
        return Tensor.stack(List.of(cx, cy, cx, cy), boxes.dim() - 1);
    }

    /** Sign of each code in the decoded box: {@code x1 = cx - d0, y1 = cy - d1, x2 = cx + d2, y2 = cy + d3}. */
    private static Tensor signs(Tensor like) {
        return Tensor.of(new float[] {-1, -1, 1, 1}, 4).to(like.dtype()).to(like.device());
    }

    /**
     * Decodes {@code relCodes [..., 4]} against reference {@code boxes [..., 4]} (same shape;
     * the boxes are cast to the codes' dtype) into {@code (x1, y1, x2, y2)}.
     */
    public Tensor decode(Tensor relCodes, Tensor boxes) {
        check("BoxLinearCoder.decode", relCodes, boxes);
        Tensor ref = boxes.to(relCodes.dtype());
        Tensor codes = normalizeBySize ? relCodes.mul(sizes(ref)) : relCodes;
        // torchvision computes ctr - d for x1/y1 and ctr + d for x2/y2; adding (-1 * d) is bit-identical
        return centres(ref).add(codes.mul(signs(codes)));
    }

    /**
     * Differentiable {@link #decode(Tensor, Tensor)} in the codes: the gradient of the codes is
     * {@code grad * (-w, -h, w, h)} (or {@code (-1, -1, 1, 1)} without normalisation).
     */
    public Variable decode(Variable relCodes, Tensor boxes) {
        Tensor out = decode(relCodes.data(), boxes);
        Tensor ref = boxes.to(relCodes.dtype());
        Tensor factor = normalizeBySize ? sizes(ref).mul(signs(ref)) : signs(ref).expand(ref.shape());
        return Tape.record("box_linear_decode", out, (g, needs) -> new Tensor[] {g.mul(factor)}, relCodes);
    }
}
