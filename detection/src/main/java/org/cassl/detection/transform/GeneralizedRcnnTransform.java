package org.cassl.detection.transform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cassl.detection.Detections;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.Target;
import org.cassl.tensor.DType;
import org.cassl.tensor.DTypeMismatchException;
import org.cassl.tensor.Generator;
import org.cassl.tensor.InterpolationMode;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * torchvision 0.14's {@code GeneralizedRCNNTransform}: each image ({@code [C, H, W]} float in
 * [0, 1]) is normalised with the per-channel mean/std, then resized by
 * {@code scale = min(min_size / min(H, W), max_size / max(H, W))} (computed in float32) with
 * bilinear interpolation ({@code align_corners=False}, {@code recompute_scale_factor=True}, so the
 * output is {@code floor(dim * scale)}); target boxes scale by new/old per axis and masks resize
 * nearest. The batch is zero-padded at the bottom/right to a multiple of {@code size_divisible}.
 * {@link #postprocess} maps detections back to the original image sizes.
 */
public final class GeneralizedRcnnTransform {
    private final int[] minSizes;
    private final int maxSize;
    private final double[] mean;
    private final double[] std;
    private final int sizeDivisible;

    /** A transformed batch: the padded images and the targets in their coordinates (null in inference). */
    public record Batch(ImageList images, List<Target> targets) {
    }

    /**
     * @param minSizes      shorter-side targets; training picks one at random, evaluation uses the last
     * @param maxSize       cap on the longer side
     * @param mean          per-channel mean
     * @param std           per-channel std
     * @param sizeDivisible the padded size is a multiple of this
     */
    public GeneralizedRcnnTransform(int[] minSizes, int maxSize, double[] mean, double[] std, int sizeDivisible) {
        if (minSizes.length == 0 || Arrays.stream(minSizes).anyMatch(s -> s <= 0) || maxSize <= 0 || sizeDivisible < 1) {
            throw new TensorException("GeneralizedRcnnTransform: sizes must be positive, got min " + Arrays.toString(minSizes)
                    + ", max " + maxSize + ", divisor " + sizeDivisible);
        }
        if (mean.length != std.length) {
            throw new TensorException("GeneralizedRcnnTransform: mean " + Arrays.toString(mean) + " and std "
                    + Arrays.toString(std) + " differ in length");
        }
        this.minSizes = minSizes.clone();
        this.maxSize = maxSize;
        this.mean = mean.clone();
        this.std = std.clone();
        this.sizeDivisible = sizeDivisible;
    }

    /** The transform a model config describes. */
    public static GeneralizedRcnnTransform of(FcosConfig c) {
        return new GeneralizedRcnnTransform(c.minSize().stream().mapToInt(Integer::intValue).toArray(), c.maxSize(),
                c.imageMean().stream().mapToDouble(Double::doubleValue).toArray(),
                c.imageStd().stream().mapToDouble(Double::doubleValue).toArray(), c.sizeDivisible());
    }

    /**
     * Normalises, resizes and batches {@code images} (and resizes {@code targets}, which may be
     * null). In training the shorter-side target is drawn from the min sizes with {@code rng}.
     */
    public Batch apply(List<Tensor> images, List<Target> targets, boolean training, Generator rng) {
        if (images.isEmpty()) {
            throw new TensorException("GeneralizedRcnnTransform: no images");
        }
        if (training && minSizes.length > 1 && rng == null) {
            throw new TensorException("GeneralizedRcnnTransform: training with several min sizes "
                    + Arrays.toString(minSizes) + " needs a random generator to pick one");
        }
        if (targets != null && targets.size() != images.size()) {
            throw new TensorException("GeneralizedRcnnTransform: " + images.size() + " images but " + targets.size()
                    + " targets");
        }
        List<Tensor> resized = new ArrayList<>();
        List<Target> newTargets = targets == null ? null : new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Tensor image = images.get(i);
            checkImage(image);
            int size = training && minSizes.length > 1 ? minSizes[rng.nextInt(minSizes.length)] : minSizes[minSizes.length - 1];
            Tensor out = resizeImage(normalize(image), size, maxSize);
            resized.add(out);
            if (newTargets != null) {
                newTargets.add(resizeTarget(targets.get(i), new int[] {image.size(1), image.size(2)},
                        new int[] {out.size(1), out.size(2)}, size));
            }
        }
        return new Batch(batch(resized), newTargets);
    }

    private static void checkImage(Tensor image) {
        if (image.dim() != 3) {
            throw new ShapeMismatchException("GeneralizedRcnnTransform: images must have shape [C, H, W], got "
                    + Arrays.toString(image.shape()));
        }
        if (!image.dtype().isFloatingPoint()) {
            throw new DTypeMismatchException("GeneralizedRcnnTransform: images must be floating point in [0, 1], got "
                    + image.dtype());
        }
    }

    /** {@code (image - mean) / std} per channel, {@code [C, H, W]}. */
    public Tensor normalize(Tensor image) {
        checkImage(image);
        if (image.size(0) != mean.length) {
            throw new ShapeMismatchException("GeneralizedRcnnTransform: image with " + image.size(0)
                    + " channels for a normalisation of " + mean.length + " channels");
        }
        Tensor m = Tensor.of(mean, mean.length).to(image.dtype()).to(image.device()).reshape(-1, 1, 1);
        Tensor s = Tensor.of(std, std.length).to(image.dtype()).to(image.device()).reshape(-1, 1, 1);
        return image.sub(m).div(s);
    }

    /**
     * torchvision's resize factor, a float32 value: {@code min(minSize / min(H, W), maxSize / max(H, W))}.
     * torchvision divides a Python number by a float32 tensor, which PyTorch evaluates as
     * {@code reciprocal(tensor) * number}; the two roundings are reproduced here because they
     * decide {@code floor(dim * scale)} (e.g. 160 / 100 gives 1.5999999, so 100 px become 159).
     */
    public static float scale(int height, int width, double minSize, double maxSize) {
        float shorter = Math.min(height, width);
        float longer = Math.max(height, width);
        float byShorter = (1f / shorter) * (float) minSize;
        float byLonger = (1f / longer) * (float) maxSize;
        return Math.min(byShorter, byLonger);
    }

    /** The resized {@code {height, width}}: {@code floor(dim * scale)} per axis. */
    public static int[] resizedSize(int height, int width, double minSize, double maxSize) {
        NnOps.InterpolationPlan plan = plan(height, width, minSize, maxSize);
        return new int[] {plan.outH(), plan.outW()};
    }

    private static NnOps.InterpolationPlan plan(int height, int width, double minSize, double maxSize) {
        double s = scale(height, width, minSize, maxSize);
        return NnOps.plan(height, width, null, new double[] {s, s}, true);
    }

    /** Bilinear resize of one {@code [C, H, W]} image to torchvision's size for these limits. */
    public static Tensor resizeImage(Tensor image, double minSize, double maxSize) {
        NnOps.InterpolationPlan plan = plan(image.size(1), image.size(2), minSize, maxSize);
        return NnOps.interpolate(image.unsqueeze(0), plan, InterpolationMode.BILINEAR, false).select(0, 0);
    }

    private Target resizeTarget(Target target, int[] from, int[] to, double minSize) {
        Tensor boxes = resizeBoxes(target.boxes(), from, to);
        Tensor masks = target.masks();
        if (masks != null && masks.size(0) > 0) {
            NnOps.InterpolationPlan plan = plan(from[0], from[1], minSize, maxSize);
            Tensor m = NnOps.interpolate(masks.unsqueeze(1).to(DType.F32), plan, InterpolationMode.NEAREST, false);
            masks = m.select(1, 0).to(DType.U8);
        } else if (masks != null) {
            masks = Tensor.zeros(DType.U8, masks.device(), 0, to[0], to[1]);
        }
        return target.withBoxes(boxes, masks);
    }

    /**
     * Boxes {@code [N, 4]} scaled from an image of size {@code from} to {@code to} ({@code {h, w}}),
     * with float32 ratios {@code to / from} per axis as torchvision's {@code resize_boxes}.
     */
    public static Tensor resizeBoxes(Tensor boxes, int[] from, int[] to) {
        float ratioH = (float) to[0] / (float) from[0];
        float ratioW = (float) to[1] / (float) from[1];
        Tensor x1 = boxes.select(1, 0).mul(ratioW);
        Tensor y1 = boxes.select(1, 1).mul(ratioH);
        Tensor x2 = boxes.select(1, 2).mul(ratioW);
        Tensor y2 = boxes.select(1, 3).mul(ratioH);
        return Tensor.stack(List.of(x1, y1, x2, y2), 1);
    }

    /** Zero-pads images {@code [C, H_i, W_i]} into one batch {@code [N, C, Hp, Wp]}, Hp and Wp multiples of the divisor. */
    public ImageList batch(List<Tensor> images) {
        int c = 0;
        int h = 0;
        int w = 0;
        for (Tensor im : images) {
            c = Math.max(c, im.size(0));
            h = Math.max(h, im.size(1));
            w = Math.max(w, im.size(2));
        }
        int ph = (int) Math.ceil((double) h / sizeDivisible) * sizeDivisible;
        int pw = (int) Math.ceil((double) w / sizeDivisible) * sizeDivisible;
        Tensor first = images.get(0);
        Tensor batched = Tensor.zeros(first.dtype(), first.device(), images.size(), c, ph, pw);
        List<int[]> sizes = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Tensor im = images.get(i);
            batched.select(0, i).slice(0, 0, im.size(0)).slice(1, 0, im.size(1)).slice(2, 0, im.size(2)).copyFrom(im);
            sizes.add(new int[] {im.size(1), im.size(2)});
        }
        return new ImageList(batched, sizes);
    }

    /** Detections in resized-image coordinates mapped back to the original image sizes ({@code {h, w}} each). */
    public List<Detections> postprocess(List<Detections> detections, List<int[]> resizedSizes, List<int[]> originalSizes) {
        List<Detections> out = new ArrayList<>();
        for (int i = 0; i < detections.size(); i++) {
            Detections d = detections.get(i);
            out.add(new Detections(resizeBoxes(d.boxes(), resizedSizes.get(i), originalSizes.get(i)), d.scores(),
                    d.labels(), d.masks()));
        }
        return out;
    }
}
