package org.cassl.detection.mask;

import java.util.Arrays;
import java.util.List;
import org.cassl.autograd.Variable;
import org.cassl.tensor.DType;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;

/**
 * CondInst's dynamic mask head (AdelaiDet {@code DynamicMaskHead}, parameter-free): each instance
 * carries its own three 1x1 convs ({@code (8+2) -> 8 -> 8 -> 1}, ReLU between, none after the
 * last), whose 169 parameters the controller predicted. The input of instance {@code i} is
 * {@code cat[rel_coords (2), mask_feats[image_i] (8)]} over the stride-8 mask-feature grid, with
 * {@code rel = (instance_location - mask_location) / soi[level_i]}, mask locations
 * {@code (8 j + 4, 8 i + 4)} and soi {@code [64, 128, 256, 512, 1024]}.
 *
 * <p>AdelaiDet runs the per-instance convs as one grouped conv; here they are a batched matrix
 * product ({@code bmm}), the same arithmetic for 1x1 kernels and one tape op per layer.
 * Parameter layout per instance, weights first then biases ({@code [80, 64, 8, 8, 8, 1]}); the
 * weight of layer l is read row-major as {@code [out, in]} (PyTorch's conv weight
 * {@code [out, in, 1, 1]}).
 */
public final class DynamicMaskHead {
    /** Sizes of interest per FPN level (P3..P7), normalising the relative coordinates. */
    public static final double[] SIZES_OF_INTEREST = {64, 128, 256, 512, 1024};
    /** Stride of the mask features and their location offset (stride / 2). */
    public static final int MASK_FEAT_STRIDE = 8;
    /** Stride of the output logits. */
    public static final int MASK_OUT_STRIDE = 4;

    private final int inChannels;
    private final int channels;
    private final int[] weightNums;
    private final int[] biasNums;

    /** The CondInst default: 8 mask-feature channels, 8 hidden channels, 3 layers (169 parameters). */
    public DynamicMaskHead() {
        this(8, 8);
    }

    public DynamicMaskHead(int inChannels, int channels) {
        this.inChannels = inChannels;
        this.channels = channels;
        this.weightNums = new int[] {(inChannels + 2) * channels, channels * channels, channels};
        this.biasNums = new int[] {channels, channels, 1};
    }

    /** Parameters per instance, what the controller predicts (169 by default). */
    public int numParams() {
        return Arrays.stream(weightNums).sum() + Arrays.stream(biasNums).sum();
    }

    public int inChannels() {
        return inChannels;
    }

    /**
     * Mask logits at stride 4.
     *
     * @param maskFeats         {@code [N, C, H, W]} mask-branch output (stride 8)
     * @param params            {@code [M, 169]} dynamic parameters of M instances
     * @param imageIndex        {@code [M]} I64 image of each instance
     * @param instanceLocations {@code [M, 2]} (x, y) of each instance's FCOS point, in padded-image pixels
     * @param levels            {@code [M]} I64 FPN level (0 = P3) of each instance's point
     * @return {@code [M, 1, 2H, 2W]} logits
     */
    public Variable forward(Variable maskFeats, Variable params, Tensor imageIndex, Tensor instanceLocations,
                            Tensor levels) {
        int m = params.size(0);
        if (maskFeats.dim() != 4 || maskFeats.size(1) != inChannels || params.dim() != 2 || params.size(1) != numParams()
                || imageIndex.numel() != m || instanceLocations.size(0) != m || levels.numel() != m) {
            throw new ShapeMismatchException("DynamicMaskHead: mask features " + Arrays.toString(maskFeats.shape())
                    + ", params " + Arrays.toString(params.shape()) + ", " + imageIndex.numel() + " image indices, "
                    + instanceLocations.size(0) + " locations, " + levels.numel() + " levels; expected [N, " + inChannels
                    + ", H, W], [M, " + numParams() + "] and M of each");
        }
        int h = maskFeats.size(2);
        int w = maskFeats.size(3);
        Tensor rel = relativeCoords(instanceLocations.to(org.cassl.tensor.Device.CPU), levels, h, w).to(maskFeats.dtype())
                .to(maskFeats.device());
        Variable feats = maskFeats.indexSelect(0, imageIndex).reshape(m, inChannels, h * w);
        Variable x = Variable.cat(List.of(Variable.of(rel), feats), 1);
        List<Variable> split = params.split(new int[] {weightNums[0], weightNums[1], weightNums[2], biasNums[0],
            biasNums[1], biasNums[2]}, 1);
        int[] ins = {inChannels + 2, channels, channels};
        int[] outs = {channels, channels, 1};
        for (int l = 0; l < 3; l++) {
            Variable weight = split.get(l).reshape(m, outs[l], ins[l]);
            Variable bias = split.get(3 + l).reshape(m, outs[l], 1);
            x = weight.bmm(x).add(bias);
            if (l < 2) {
                x = x.relu();
            }
        }
        Variable logits = x.reshape(m, 1, h, w);
        return AlignedBilinear.upsample(logits, MASK_FEAT_STRIDE / MASK_OUT_STRIDE);
    }

    /** {@code [M, 2, H*W]}: {@code (location_i - (8 j + 4, 8 i + 4)) / soi[level]}, channel 0 = x, 1 = y. */
    static Tensor relativeCoords(Tensor instanceLocations, Tensor levels, int h, int w) {
        int m = instanceLocations.size(0);
        double[] grid = new double[h * w * 2];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                grid[2 * (i * w + j)] = j * MASK_FEAT_STRIDE + MASK_FEAT_STRIDE / 2;
                grid[2 * (i * w + j) + 1] = i * MASK_FEAT_STRIDE + MASK_FEAT_STRIDE / 2;
            }
        }
        Tensor locations = Tensor.of(grid, 1, h * w, 2);
        long[] lv = levels.toLongArray();
        double[] soi = new double[m];
        for (int i = 0; i < m; i++) {
            soi[i] = SIZES_OF_INTEREST[(int) lv[i]];
        }
        Tensor rel = instanceLocations.to(DType.F64).reshape(m, 1, 2).sub(locations).permute(0, 2, 1);
        return rel.div(Tensor.of(soi, m, 1, 1)).contiguous();
    }
}
