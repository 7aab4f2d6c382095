package org.cassl.detection.fcos;

import java.util.Arrays;
import java.util.List;
import org.cassl.detection.FcosConfig.Assignment;
import org.cassl.detection.kernels.DetectionKernels;
import org.cassl.tensor.DType;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * Assigns every FCOS point of one image to a ground-truth box or to background.
 *
 * <p>torchvision's rules (specs/fcos.md section 2): with anchor size {@code s} and point
 * {@code (x, y)}, a box matches when {@code max(|x-cx|, |y-cy|) < radius*s}, the point is strictly
 * inside the box, and {@code lower < max(l,t,r,b) < upper} with {@code lower = 4s} (0 on the
 * first level) and {@code upper = 8s} (infinite on the last). Among matches the box with the
 * largest {@code float32(1e8 - area)} wins, first index on ties, exactly as torchvision's argmax
 * (so boxes whose areas round to the same value tie). The fused backend primitive
 * {@link org.cassl.detection.kernels.DetectionKernels#fcosAssign} does this per image; {@link #assignReference} is the
 * same rule in tensor ops, kept as the reference the primitive is tested against.
 *
 * <p>The original FCOS rules ({@link Assignment#ORIGINAL}): the centre region is
 * {@code [c - radius*s, c + radius*s]} clipped to the box and the point must lie strictly inside
 * it; ranges are inclusive {@code lower <= max(l,t,r,b) <= upper} with {@code lower = -1} on the
 * first level; the smallest {@code (w+1)(h+1)} area wins (first index on ties).
 */
public final class FcosTargetAssigner {
    private final Assignment rules;
    private final double radius;
    private final double[] boundaries;

    /**
     * @param rules  torchvision's or the original FCOS rules
     * @param radius centre-sampling radius in anchor sizes (1.5 by default)
     */
    public FcosTargetAssigner(Assignment rules, double radius) {
        this(rules, radius, null);
    }

    /**
     * @param rules      torchvision's or the original rules
     * @param radius     centre-sampling radius in anchor sizes
     * @param boundaries null for the per-point {@code (4s, 8s)} scale ranges, else the {@code L - 1}
     *                   edge-distance boundaries between consecutive levels (the config's {@code size_ranges})
     */
    public FcosTargetAssigner(Assignment rules, double radius, double[] boundaries) {
        this.boundaries = boundaries == null ? null : boundaries.clone();
        if (!(radius > 0)) {
            throw new TensorException("FcosTargetAssigner: centre sampling radius must be positive, got " + radius);
        }
        this.rules = rules;
        this.radius = radius;
    }

    public Assignment rules() {
        return rules;
    }

    public double radius() {
        return radius;
    }

    /**
     * The matched box per point: {@code matched [P]} (I64), the index into {@code gtBoxes [G, 4]}
     * or -1 for background. Uses the backend's fused kernel for torchvision's rules.
     */
    public Tensor assign(Anchors anchors, Tensor gtBoxes) {
        checkBoxes(gtBoxes);
        if (gtBoxes.size(0) == 0) {
            return Tensor.full(-1, DType.I64, anchors.boxes().device(), anchors.numPoints());
        }
        if (rules == Assignment.ORIGINAL) {
            return assignOriginal(anchors, gtBoxes);
        }
        Tensor[] bounds = scaleBounds(anchors);
        Tensor matched = Tensor.zeros(DType.I64, anchors.boxes().device(), anchors.numPoints());
        Tensor boxes = anchors.boxes();
        DetectionKernels.of(boxes).fcosAssign(anchors.centers().contiguous(), anchors.sizes().contiguous(), bounds[0], bounds[1],
                gtBoxes.to(boxes.dtype()).contiguous(), radius, matched);
        return matched;
    }

    /** {@link #assign} with the rules written in tensor ops (no fused kernel). */
    public Tensor assignReference(Anchors anchors, Tensor gtBoxes) {
        checkBoxes(gtBoxes);
        if (gtBoxes.size(0) == 0) {
            return Tensor.full(-1, DType.I64, anchors.boxes().device(), anchors.numPoints());
        }
        return rules == Assignment.ORIGINAL ? assignOriginal(anchors, gtBoxes) : assignTorchvision(anchors, gtBoxes);
    }

    private static void checkBoxes(Tensor gtBoxes) {
        if (gtBoxes.dim() != 2 || gtBoxes.size(1) != 4) {
            throw new ShapeMismatchException("FcosTargetAssigner: gt boxes must have shape [G, 4], got "
                    + Arrays.toString(gtBoxes.shape()));
        }
    }

    /**
     * Per-point scale range {@code [lower, upper]} ({@code [P]} each): {@code 4s} and {@code 8s},
     * the first level's lower bound replaced by 0 (torchvision) or -1 (original), the last
     * level's upper bound by infinity.
     */
    Tensor[] scaleBounds(Anchors anchors) {
        if (boundaries != null) {
            return levelBounds(anchors);
        }
        Tensor sizes = anchors.sizes();
        Tensor lower = sizes.mul(4).contiguous();
        Tensor upper = sizes.mul(8).contiguous();
        int[] counts = anchors.pointsPerLevel();
        int first = counts[0];
        int last = counts[counts.length - 1];
        lower.slice(0, 0, first).fill(rules == Assignment.ORIGINAL ? -1 : 0);
        upper.slice(0, anchors.numPoints() - last, anchors.numPoints()).fill(Double.POSITIVE_INFINITY);
        return new Tensor[] {lower, upper};
    }

    /** Per-point bounds from the explicit level boundaries: level i takes (b[i-1], b[i]). */
    private Tensor[] levelBounds(Anchors anchors) {
        int[] counts = anchors.pointsPerLevel();
        if (counts.length != boundaries.length + 1) {
            throw new TensorException("FcosTargetAssigner: " + counts.length + " levels but " + boundaries.length
                    + " size-range boundaries (expected one fewer than the levels)");
        }
        float[] lo = new float[anchors.numPoints()];
        float[] hi = new float[anchors.numPoints()];
        int p = 0;
        for (int l = 0; l < counts.length; l++) {
            float a = l == 0 ? (rules == Assignment.ORIGINAL ? -1f : 0f) : (float) boundaries[l - 1];
            float b = l == counts.length - 1 ? Float.POSITIVE_INFINITY : (float) boundaries[l];
            for (int k = 0; k < counts[l]; k++, p++) {
                lo[p] = a;
                hi[p] = b;
            }
        }
        Tensor sizes = anchors.sizes();
        return new Tensor[] {Tensor.of(lo, lo.length).to(sizes.dtype()).to(sizes.device()).contiguous(),
                Tensor.of(hi, hi.length).to(sizes.dtype()).to(sizes.device()).contiguous()};
    }

    /** Distances {@code [P, G, 4]} from each point to the four edges of each box: (l, t, r, b). */
    private static Tensor edgeDistances(Tensor centers, Tensor gt) {
        Tensor x = centers.slice(1, 0, 1);
        Tensor y = centers.slice(1, 1, 2);
        Tensor x0 = gt.select(1, 0).unsqueeze(0);
        Tensor y0 = gt.select(1, 1).unsqueeze(0);
        Tensor x1 = gt.select(1, 2).unsqueeze(0);
        Tensor y1 = gt.select(1, 3).unsqueeze(0);
        return Tensor.stack(List.of(x.sub(x0), y.sub(y0), x1.sub(x), y1.sub(y)), 2);
    }

    private Tensor assignTorchvision(Anchors anchors, Tensor gtBoxes) {
        Tensor gt = gtBoxes.to(anchors.boxes().dtype());
        Tensor centers = anchors.centers();
        Tensor sizes = anchors.sizes();
        Tensor gtCenters = gt.slice(1, 0, 2).add(gt.slice(1, 2, 4)).div(2);
        Tensor offCentre = centers.unsqueeze(1).sub(gtCenters.unsqueeze(0)).abs().amax(new int[] {2}, false);
        Tensor match = offCentre.lt(sizes.mul(radius).unsqueeze(1));
        Tensor dist = edgeDistances(centers, gt);
        match = match.logicalAnd(dist.amin(new int[] {2}, false).gt(0));
        Tensor[] bounds = scaleBounds(anchors);
        Tensor maxDist = dist.amax(new int[] {2}, false);
        match = match.logicalAnd(maxDist.gt(bounds[0].unsqueeze(1))).logicalAnd(maxDist.lt(bounds[1].unsqueeze(1)));
        Tensor areas = gt.select(1, 2).sub(gt.select(1, 0)).mul(gt.select(1, 3).sub(gt.select(1, 1)));
        Tensor score = match.to(gt.dtype()).mul(areas.rsub(1e8).unsqueeze(0));
        var best = score.max(1, false);
        return Tensor.where(best.values().lt(1e-5), Tensor.full(-1, DType.I64, gt.device()), best.indices());
    }

    private Tensor assignOriginal(Anchors anchors, Tensor gtBoxes) {
        Tensor gt = gtBoxes.to(anchors.boxes().dtype());
        Tensor centers = anchors.centers();
        Tensor x = centers.slice(1, 0, 1);
        Tensor y = centers.slice(1, 1, 2);
        Tensor reach = anchors.sizes().mul(radius).unsqueeze(1);
        Tensor cx = gt.select(1, 0).add(gt.select(1, 2)).div(2).unsqueeze(0);
        Tensor cy = gt.select(1, 1).add(gt.select(1, 3)).div(2).unsqueeze(0);
        Tensor rx0 = cx.sub(reach).maximum(gt.select(1, 0).unsqueeze(0));
        Tensor ry0 = cy.sub(reach).maximum(gt.select(1, 1).unsqueeze(0));
        Tensor rx1 = cx.add(reach).minimum(gt.select(1, 2).unsqueeze(0));
        Tensor ry1 = cy.add(reach).minimum(gt.select(1, 3).unsqueeze(0));
        Tensor region = Tensor.stack(List.of(x.sub(rx0), y.sub(ry0), rx1.sub(x), ry1.sub(y)), 2);
        Tensor match = region.amin(new int[] {2}, false).gt(0);
        Tensor maxDist = edgeDistances(centers, gt).amax(new int[] {2}, false);
        Tensor[] bounds = scaleBounds(anchors);
        match = match.logicalAnd(maxDist.ge(bounds[0].unsqueeze(1))).logicalAnd(maxDist.le(bounds[1].unsqueeze(1)));
        Tensor areas = gt.select(1, 2).sub(gt.select(1, 0)).add(1).mul(gt.select(1, 3).sub(gt.select(1, 1)).add(1));
        Tensor cost = Tensor.where(match, areas.unsqueeze(0), Tensor.full(Double.POSITIVE_INFINITY, gt.dtype(), gt.device()));
        var best = cost.min(1, false);
        return Tensor.where(best.values().isinf(), Tensor.full(-1, DType.I64, gt.device()), best.indices());
    }
}
