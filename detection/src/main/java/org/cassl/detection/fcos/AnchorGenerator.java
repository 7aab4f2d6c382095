package org.cassl.detection.fcos;

import java.util.Arrays;
import java.util.List;
import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * FCOS points as torchvision's {@code AnchorGenerator(sizes=((8,),(16,),(32,),(64,),(128,)),
 * aspect_ratios=((1.0,),)*5)} makes them: per level, a base anchor
 * {@code round([-s/2, -s/2, s/2, s/2])} (half to even) shifted by {@code (j * stride_w, i * stride_h)}
 * with <em>no</em> half-stride offset, where {@code stride = padded_size // feature_size} per axis
 * (integer division, so odd P6/P7 sizes give strides other than 64/128).
 *
 * <p>With {@code halfStrideOffset} the points follow the original FCOS code instead: at
 * {@code j * s + s // 2} with the nominal stride {@code s} = the level's anchor size.
 */
public final class AnchorGenerator {
    /** torchvision's FCOS anchor sizes, one per level P3..P7. */
    public static final int[] FCOS_SIZES = {8, 16, 32, 64, 128};

    private final int[] sizes;
    private final boolean halfStrideOffset;

    /**
     * @param sizes            anchor side per level (also the nominal stride of the original variant)
     * @param halfStrideOffset original-FCOS point placement instead of torchvision's
     */
    public AnchorGenerator(int[] sizes, boolean halfStrideOffset) {
        if (sizes.length == 0 || Arrays.stream(sizes).anyMatch(s -> s <= 0)) {
            throw new TensorException("AnchorGenerator: sizes must be positive, got " + Arrays.toString(sizes));
        }
        this.sizes = sizes.clone();
        this.halfStrideOffset = halfStrideOffset;
    }

    /** torchvision's FCOS generator. */
    public static AnchorGenerator fcos() {
        return new AnchorGenerator(FCOS_SIZES, false);
    }

    public int numLevels() {
        return sizes.length;
    }

    /** {@link #generate(int, int, List, DType, Device)} in float32. */
    public Anchors generate(int paddedH, int paddedW, List<int[]> gridSizes, Device device) {
        return generate(paddedH, paddedW, gridSizes, DType.F32, device);
    }

    /**
     * Anchors for a padded batch of {@code paddedH x paddedW} with feature maps of the given
     * {@code gridSizes} ({@code {h, w}} per level), in {@code dtype} (the features' dtype, as
     * torchvision) on {@code device}. All coordinates are integers, exact in any float dtype.
     */
    public Anchors generate(int paddedH, int paddedW, List<int[]> gridSizes, DType dtype, Device device) {
        if (!dtype.isFloatingPoint()) {
            throw new TensorException("AnchorGenerator: anchors must be floating point, got " + dtype);
        }
        if (gridSizes.size() != sizes.length) {
            throw new ShapeMismatchException("AnchorGenerator: " + gridSizes.size() + " feature maps for "
                    + sizes.length + " anchor sizes; there must be one feature map per size");
        }
        int[] counts = new int[sizes.length];
        int total = 0;
        for (int l = 0; l < sizes.length; l++) {
            int[] g = gridSizes.get(l);
            if (g[0] <= 0 || g[1] <= 0 || g[0] > paddedH || g[1] > paddedW) {
                throw new ShapeMismatchException("AnchorGenerator: feature map " + l + " of size " + g[0] + "x" + g[1]
                        + " does not fit the padded image " + paddedH + "x" + paddedW);
            }
            counts[l] = g[0] * g[1];
            total += counts[l];
        }
        float[] boxes = new float[total * 4];
        int p = 0;
        for (int l = 0; l < sizes.length; l++) {
            int gh = gridSizes.get(l)[0];
            int gw = gridSizes.get(l)[1];
            int s = sizes[l];
            long strideH = halfStrideOffset ? s : paddedH / gh;
            long strideW = halfStrideOffset ? s : paddedW / gw;
            long offset = halfStrideOffset ? s / 2 : 0;
            // base anchor: round(+-s/2) half to even, as torch.round on float32
            float half = (float) Math.rint((float) s / 2f);
            for (int i = 0; i < gh; i++) {
                for (int j = 0; j < gw; j++) {
                    float x = (float) (j * strideW + offset);
                    float y = (float) (i * strideH + offset);
                    boxes[p++] = x - half;
                    boxes[p++] = y - half;
                    boxes[p++] = x + half;
                    boxes[p++] = y + half;
                }
            }
        }
        Tensor t = Tensor.of(boxes, total, 4).to(dtype).to(device);
        return new Anchors(t, counts);
    }
}
