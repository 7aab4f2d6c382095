package org.cassl.detection.mask;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cassl.autograd.Functional;
import org.cassl.autograd.Variable;
import org.cassl.detection.Target;
import org.cassl.detection.fcos.Anchors;
import org.cassl.detection.fcos.HeadOutputs;
import org.cassl.nn.Init;
import org.cassl.nn.Module;
import org.cassl.nn.layers.Conv2d;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.InterpolationMode;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * CondInst on top of FCOS (AdelaiDet {@code CondInst}): children {@code mask_branch}
 * ({@link CondInstMaskBranch}) and {@code controller} (conv3x3 F -> 169 on the regression tower of
 * every level, normal(std 0.01), bias 0), plus the parameter-free {@link DynamicMaskHead}.
 *
 * <p>Training ({@link #loss}): the instances are the FCOS positives of the target assignment (at
 * most {@link #MAX_PROPOSALS}, a random subset drawn with this head's seeded generator when
 * there are more); each gets the controller output at its point, its point's location and level;
 * the loss is the mean {@link DiceLoss} of the stride-4 mask probabilities against the matched
 * ground-truth mask, padded to the batch size and sampled at {@code [2::4, 2::4]}.
 *
 * <p>Inference ({@link #masks}): for the final detections, sigmoid at stride 4,
 * {@link AlignedBilinear} by 4, crop to the resized image, bilinear ({@code align_corners=False})
 * to the original size: probabilities, not thresholded.
 */
public final class CondInstHead extends Module {
    /** At most this many positives per batch get a mask loss (AdelaiDet {@code MAX_PROPOSALS}). */
    public static final int MAX_PROPOSALS = 500;

    private final CondInstMaskBranch maskBranch;
    private final Conv2d controller;
    private final DynamicMaskHead dynamicHead = new DynamicMaskHead();
    private final Generator sampler;

    /**
     * @param inChannels FPN channels F (also the regression tower's)
     * @param gen        initial weights
     * @param samplerSeed seed of the generator that subsamples positives beyond {@link #MAX_PROPOSALS}
     */
    public CondInstHead(int inChannels, Generator gen, long samplerSeed) {
        this.maskBranch = registerModule("mask_branch", new CondInstMaskBranch(inChannels, gen));
        this.controller = registerModule("controller", new Conv2d(inChannels, dynamicHead.numParams(), 3, 3,
                Conv2dParams.of(1, 1, 1, 1), true, gen));
        Init.normal(controller.weight().data(), 0, 0.01, gen);
        Init.zeros(controller.bias().data());
        this.sampler = new Generator(samplerSeed);
    }

    public CondInstMaskBranch maskBranch() {
        return maskBranch;
    }

    public Conv2d controller() {
        return controller;
    }

    public DynamicMaskHead dynamicHead() {
        return dynamicHead;
    }

    /** Controller outputs of all points {@code [N, P, 169]} from the regression tower of every level. */
    public Variable controllerOutputs(HeadOutputs head) {
        if (head.boxTower().isEmpty()) {
            throw new TensorException("CondInstHead: the head outputs carry no regression tower features");
        }
        List<Variable> levels = new ArrayList<>();
        for (Variable t : head.boxTower()) {
            Variable c = controller.forward(t);
            int n = c.size(0);
            int k = c.size(1);
            levels.add(c.permute(0, 2, 3, 1).reshape(n, c.size(2) * c.size(3), k));
        }
        return Variable.cat(levels, 1);
    }

    /**
     * The mask loss of a batch (a scalar on the tape).
     *
     * @param features pyramid levels {@code [N, F, H_l, W_l]}, P3 first
     * @param head     head outputs with the regression tower
     * @param anchors  the batch's anchors (P points)
     * @param targets  N targets in resized-image coordinates, with masks {@code [G, h_i, w_i]}
     * @param matched  N assignments {@code [P]} (I64, -1 background)
     */
    public Variable loss(List<Variable> features, HeadOutputs head, Anchors anchors, List<Target> targets,
                         List<Tensor> matched) {
        Variable maskFeats = maskBranch.forward(features);
        Variable params = controllerOutputs(head);
        int n = params.size(0);
        int p = params.size(1);
        if (p != anchors.numPoints() || targets.size() != n || matched.size() != n) {
            throw new ShapeMismatchException("CondInstHead: " + p + " controller points, " + anchors.numPoints()
                    + " anchors, " + targets.size() + " targets, " + matched.size() + " assignments for " + n + " images");
        }
        // positives: (image, point, gt) triples in batch order
        List<long[]> pos = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Target t = targets.get(i);
            if (t.masks() == null) {
                throw new TensorException("CondInstHead: target " + i + " has no masks; the CondInst mask head needs "
                        + "instance masks [G, H, W] for every target");
            }
            long[] m = matched.get(i).toLongArray();
            for (int k = 0; k < m.length; k++) {
                if (m[k] >= 0) {
                    pos.add(new long[] {i, k, m[k]});
                }
            }
        }
        if (pos.size() > MAX_PROPOSALS) {
            pos = subsample(pos, MAX_PROPOSALS, sampler);
        }
        if (pos.isEmpty()) {
            // no instance: a zero that still reaches the branch and the controller, as AdelaiDet's
            // mask_feats.sum() * 0 + params.sum() * 0
            return maskFeats.sum().mul(0).add(params.sum().mul(0));
        }
        int m = pos.size();
        long[] flat = new long[m];
        long[] image = new long[m];
        long[] point = new long[m];
        for (int j = 0; j < m; j++) {
            image[j] = pos.get(j)[0];
            point[j] = pos.get(j)[1];
            flat[j] = image[j] * p + point[j];
        }
        Tensor pointIndex = Tensor.of(point, m);
        Variable instParams = params.reshape(n * p, params.size(2)).indexSelect(0, Tensor.of(flat, m));
        Tensor locations = anchors.centers().indexSelect(0, pointIndex);
        Tensor levels = levelsOf(point, anchors.pointsPerLevel());
        Variable logits = dynamicHead.forward(maskFeats, instParams, Tensor.of(image, m), locations, levels);
        int oh = logits.size(2);
        int ow = logits.size(3);
        List<Tensor> gts = new ArrayList<>();
        List<Tensor> bitmasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            bitmasks.add(gtBitmasks(targets.get(i).masks(), oh, ow));
        }
        for (long[] q : pos) {
            gts.add(bitmasks.get((int) q[0]).select(0, (int) q[2]));
        }
        Tensor gt = Tensor.stack(gts, 0).unsqueeze(1).to(logits.dtype());
        return DiceLoss.mean(logits.sigmoid(), gt);
    }

    /** FPN level (0 = P3) of each point index. */
    static Tensor levelsOf(long[] points, int[] pointsPerLevel) {
        long[] levels = new long[points.length];
        for (int j = 0; j < points.length; j++) {
            long start = 0;
            int l = 0;
            while (l < pointsPerLevel.length - 1 && points[j] >= start + pointsPerLevel[l]) {
                start += pointsPerLevel[l];
                l++;
            }
            levels[j] = l;
        }
        return Tensor.of(levels, levels.length);
    }

    /** {@code k} of {@code items} chosen uniformly without replacement (partial Fisher-Yates), order kept. */
    static List<long[]> subsample(List<long[]> items, int k, Generator gen) {
        int[] idx = new int[items.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + gen.nextInt(idx.length - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] chosen = Arrays.copyOf(idx, k);
        Arrays.sort(chosen);
        List<long[]> out = new ArrayList<>();
        for (int c : chosen) {
            out.add(items.get(c));
        }
        return out;
    }

    /**
     * Ground truth at stride 4: masks {@code [G, h, w]} zero-padded at the bottom/right to
     * {@code [G, 4 outH, 4 outW]} (the padded batch) and sampled at {@code [2::4, 2::4]} ->
     * {@code [G, outH, outW]} F32 in {0, 1}.
     */
    public static Tensor gtBitmasks(Tensor masks, int outH, int outW) {
        int g = masks.size(0);
        int fh = outH * DynamicMaskHead.MASK_OUT_STRIDE;
        int fw = outW * DynamicMaskHead.MASK_OUT_STRIDE;
        Tensor full = Tensor.zeros(DType.F32, masks.device(), g, fh, fw);
        int h = Math.min(fh, masks.size(1));
        int w = Math.min(fw, masks.size(2));
        if (g > 0 && h > 0 && w > 0) {
            full.slice(1, 0, h).slice(2, 0, w).copyFrom(masks.slice(1, 0, h).slice(2, 0, w).to(DType.F32).gt(0)
                    .to(DType.F32));
        }
        int start = DynamicMaskHead.MASK_OUT_STRIDE / 2;
        return full.slice(1, start, fh, DynamicMaskHead.MASK_OUT_STRIDE).slice(2, start, fw,
                DynamicMaskHead.MASK_OUT_STRIDE).contiguous();
    }

    /**
     * Mask probabilities of the final detections, per image {@code [D, H_orig, W_orig]} F32
     * ({@code [0, H, W]} without detections). Runs the forward ops; call inside a no-grad scope
     * for inference.
     *
     * @param features      pyramid levels, P3 first
     * @param head          head outputs with the regression tower
     * @param anchors       the batch's anchors
     * @param points        per image, the point of each detection ({@code [D]} I64)
     * @param resizedSizes  per image {@code {h, w}} of the resized (unpadded) image
     * @param originalSizes per image {@code {h, w}} of the original image
     */
    public List<Tensor> masks(List<Variable> features, HeadOutputs head, Anchors anchors, List<Tensor> points,
                              List<int[]> resizedSizes, List<int[]> originalSizes) {
        Variable maskFeats = maskBranch.forward(features);
        Variable params = controllerOutputs(head);
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            int[] orig = originalSizes.get(i);
            Tensor pt = points.get(i).to(DType.I64);
            int d = pt.numel();
            if (d == 0) {
                out.add(Tensor.zeros(DType.F32, maskFeats.device(), 0, orig[0], orig[1]));
                continue;
            }
            long[] pl = pt.toLongArray();
            Variable instParams = params.select(0, i).indexSelect(0, pt);
            Tensor locations = anchors.centers().indexSelect(0, pt);
            Tensor image = Tensor.zeros(DType.I64, d);
            Variable logits = dynamicHead.forward(maskFeats.narrow(0, i, 1), instParams, image, locations,
                    levelsOf(pl, anchors.pointsPerLevel()));
            out.add(toImage(logits.sigmoid(), resizedSizes.get(i), orig));
        }
        return out;
    }

    /**
     * Stride-4 probabilities {@code [D, 1, h4, w4]} -> {@code [D, H_orig, W_orig]}: aligned_bilinear
     * by 4, crop to the resized image, bilinear ({@code align_corners=False}) to the original size.
     */
    public static Tensor toImage(Variable probs, int[] resized, int[] original) {
        Variable up = AlignedBilinear.upsample(probs, DynamicMaskHead.MASK_OUT_STRIDE);
        up = up.slice(2, 0, Math.min(resized[0], up.size(2))).slice(3, 0, Math.min(resized[1], up.size(3)));
        Variable full = Functional.interpolate(up, original[0], original[1], InterpolationMode.BILINEAR, false);
        return full.data().select(1, 0).to(DType.F32).contiguous();
    }
}
