package org.cassl.detection.box;

import java.util.Arrays;
import java.util.List;
import org.cassl.autograd.Tape;
import org.cassl.autograd.Variable;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;

/**
 * torchvision's {@code generalized_box_iou_loss} between matched box pairs:
 * {@code 1 - (iou - (C - U) / (C + eps))} with {@code iou = I / (U + eps)}, the intersection I
 * counted only where the boxes overlap, U the union and C the area of the smallest enclosing box.
 *
 * <p>The differentiable form is one tape node with a hand-derived backward (the gradient flows to
 * the first boxes only; the second are targets). Where a coordinate of the two boxes ties, the
 * min/max in the formula passes half the gradient, as PyTorch's {@code minimum}/{@code maximum} do.
 */
public final class GiouLoss {
    /** torchvision's default epsilon. */
    public static final double DEFAULT_EPS = 1e-7;

    private GiouLoss() {
    }

    private static void check(Tensor a, Tensor b) {
        if (a.dim() != 2 || a.size(1) != 4 || !Arrays.equals(a.shape(), b.shape())) {
            throw new ShapeMismatchException("generalized_box_iou_loss: expected two box tensors of one shape [N, 4], got "
                    + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()));
        }
    }

    /** Everything the forward computes that the backward reuses; all {@code [N]}. */
    private record Parts(Tensor[] p, Tensor[] g, Tensor ki1x, Tensor ki1y, Tensor ki2x, Tensor ki2y, Tensor overlap,
                         Tensor inter, Tensor union, Tensor c1x, Tensor c1y, Tensor c2x, Tensor c2y, Tensor enclosing,
                         Tensor loss) {
    }

    private static Tensor[] columns(Tensor boxes) {
        return new Tensor[] {boxes.select(1, 0), boxes.select(1, 1), boxes.select(1, 2), boxes.select(1, 3)};
    }

    private static Parts forward(Tensor boxes1, Tensor boxes2, double eps) {
        check(boxes1, boxes2);
        Tensor[] p = columns(boxes1);
        Tensor[] g = columns(boxes2.to(boxes1.dtype()));
        Tensor ki1x = p[0].maximum(g[0]);
        Tensor ki1y = p[1].maximum(g[1]);
        Tensor ki2x = p[2].minimum(g[2]);
        Tensor ki2y = p[3].minimum(g[3]);
        Tensor overlap = ki2y.gt(ki1y).logicalAnd(ki2x.gt(ki1x));
        Tensor inter = Tensor.where(overlap, ki2x.sub(ki1x).mul(ki2y.sub(ki1y)), Tensor.zeros(boxes1.dtype(), boxes1.device()));
        Tensor area1 = p[2].sub(p[0]).mul(p[3].sub(p[1]));
        Tensor area2 = g[2].sub(g[0]).mul(g[3].sub(g[1]));
        Tensor union = area1.add(area2).sub(inter);
        Tensor iou = inter.div(union.add(eps));
        Tensor c1x = p[0].minimum(g[0]);
        Tensor c1y = p[1].minimum(g[1]);
        Tensor c2x = p[2].maximum(g[2]);
        Tensor c2y = p[3].maximum(g[3]);
        Tensor enclosing = c2x.sub(c1x).mul(c2y.sub(c1y));
        Tensor giou = iou.sub(enclosing.sub(union).div(enclosing.add(eps)));
        Tensor loss = giou.rsub(1);
        return new Parts(p, g, ki1x, ki1y, ki2x, ki2y, overlap, inter, union, c1x, c1y, c2x, c2y, enclosing, loss);
    }

    /** Per-pair losses: {@code [N, 4] x [N, 4] -> [N]}. */
    public static Tensor elementwise(Tensor boxes1, Tensor boxes2, double eps) {
        return forward(boxes1, boxes2, eps).loss();
    }

    /** Sum of the per-pair losses as a scalar on the tape (gradient to {@code boxes1 [N, 4]}). */
    public static Variable sum(Variable boxes1, Tensor boxes2, double eps) {
        Parts f = forward(boxes1.data(), boxes2, eps);
        return Tape.record("generalized_box_iou_loss", f.loss().sum(), (g, needs) -> new Tensor[] {backward(f, g, eps)},
                boxes1);
    }

    /** Weight of {@code a} in {@code max(a, b)}: 1 where it wins, 1/2 on a tie, 0 where it loses. */
    private static Tensor maxShare(Tensor a, Tensor b) {
        return a.gt(b).to(a.dtype()).add(a.eq(b).to(a.dtype()).mul(0.5));
    }

    /** Weight of {@code a} in {@code min(a, b)}. */
    private static Tensor minShare(Tensor a, Tensor b) {
        return maxShare(b, a);
    }

    /** Gradient of {@code sum(loss) * g} with respect to the first boxes, {@code [N, 4]}. */
    private static Tensor backward(Parts f, Tensor gradOut, double eps) {
        Tensor[] p = f.p();
        Tensor[] q = f.g();
        Tensor ue = f.union().add(eps);
        Tensor ce = f.enclosing().add(eps);
        // loss = 1 - I/(U+eps) + (C-U)/(C+eps), with U = A1 + A2 - I
        Tensor dUnion = f.inter().div(ue.mul(ue)).sub(ce.reciprocal());
        Tensor dInter = ue.reciprocal().add(f.inter().div(ue.mul(ue))).neg().add(ce.reciprocal());
        Tensor dEnclosing = ue.div(ce.mul(ce));
        Tensor mask = f.overlap().to(ue.dtype());
        Tensor dInterMasked = dInter.mul(mask);
        Tensor w1 = p[2].sub(p[0]);
        Tensor h1 = p[3].sub(p[1]);
        Tensor iw = f.ki2x().sub(f.ki1x());
        Tensor ih = f.ki2y().sub(f.ki1y());
        Tensor cw = f.c2x().sub(f.c1x());
        Tensor ch = f.c2y().sub(f.c1y());
        Tensor gx1 = dUnion.mul(h1).neg()
                .sub(dInterMasked.mul(ih).mul(maxShare(p[0], q[0])))
                .sub(dEnclosing.mul(ch).mul(minShare(p[0], q[0])));
        Tensor gy1 = dUnion.mul(w1).neg()
                .sub(dInterMasked.mul(iw).mul(maxShare(p[1], q[1])))
                .sub(dEnclosing.mul(cw).mul(minShare(p[1], q[1])));
        Tensor gx2 = dUnion.mul(h1)
                .add(dInterMasked.mul(ih).mul(minShare(p[2], q[2])))
                .add(dEnclosing.mul(ch).mul(maxShare(p[2], q[2])));
        Tensor gy2 = dUnion.mul(w1)
                .add(dInterMasked.mul(iw).mul(minShare(p[3], q[3])))
                .add(dEnclosing.mul(cw).mul(maxShare(p[3], q[3])));
        return Tensor.stack(List.of(gx1, gy1, gx2, gy2), 1).mul(gradOut);
    }
}
