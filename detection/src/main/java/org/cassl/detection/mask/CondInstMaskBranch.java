package org.cassl.detection.mask;

import java.util.Arrays;
import java.util.List;
import org.cassl.autograd.Variable;
import org.cassl.nn.Init;
import org.cassl.nn.Module;
import org.cassl.nn.layers.BatchNorm2d;
import org.cassl.nn.layers.Conv2d;
import org.cassl.nn.layers.ModuleList;
import org.cassl.nn.layers.ReLU;
import org.cassl.nn.layers.Sequential;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;
import org.cassl.tensor.ShapeMismatchException;

/**
 * CondInst's mask branch (AdelaiDet {@code MaskBranch}): P3, P4, P5 each go through a
 * {@code refine} block (conv3x3 F -> 128, no bias, BatchNorm, ReLU); P4 and P5 are upsampled to
 * P3's grid with {@link AlignedBilinear} (factors 2 and 4) and summed; a {@code tower} of 4 such
 * blocks (128 -> 128) and a 1x1 conv to 8 channels gives the mask features at stride 8.
 *
 * <p>State-dict keys follow AdelaiDet: {@code refine.{0,1,2}.0.weight} (conv),
 * {@code refine.{l}.1.*} (BatchNorm), {@code tower.{0..3}.0.weight}, {@code tower.{0..3}.1.*},
 * {@code tower.4.weight}, {@code tower.4.bias}. Convs in blocks are kaiming-uniform (a = 1), the
 * last conv has PyTorch's default init.
 *
 * <p>The BatchNorms are ordinary trainable {@code BatchNorm2d} (AdelaiDet's "BN"), independent of
 * the config's {@code frozen_bn}, which concerns the pretrained backbone only: this branch is
 * trained from scratch, so freezing its statistics at their initial values would be meaningless.
 * Call {@code eval()} for inference as with any BatchNorm model.
 */
public final class CondInstMaskBranch extends Module {
    /** Channels of the refine blocks and the tower. */
    public static final int CHANNELS = 128;
    /** Output channels (the dynamic head's input features). */
    public static final int OUT_CHANNELS = 8;
    /** Pyramid levels used: P3, P4, P5. */
    public static final int NUM_LEVELS = 3;
    /** Blocks in the tower. */
    public static final int NUM_CONVS = 4;

    private final ModuleList<Sequential> refine;
    private final Sequential tower;

    /** @param inChannels FPN channels F */
    public CondInstMaskBranch(int inChannels, Generator gen) {
        this.refine = registerModule("refine", new ModuleList<>());
        for (int i = 0; i < NUM_LEVELS; i++) {
            refine.add(block(inChannels, CHANNELS, gen));
        }
        this.tower = registerModule("tower", new Sequential());
        for (int i = 0; i < NUM_CONVS; i++) {
            tower.add(block(CHANNELS, CHANNELS, gen));
        }
        tower.add(new Conv2d(CHANNELS, OUT_CHANNELS, 1, 1, Conv2dParams.of(1, 0, 1, 1), true, gen));
    }

    /** AdelaiDet's {@code conv_with_kaiming_uniform(norm="BN", activation=True)} 3x3 block. */
    private static Sequential block(int in, int out, Generator gen) {
        Conv2d conv = new Conv2d(in, out, 3, 3, Conv2dParams.of(1, 1, 1, 1), false, gen);
        Init.kaimingUniform(conv.weight().data(), 1, gen);
        return new Sequential(conv, new BatchNorm2d(out), new ReLU());
    }

    /**
     * Mask features {@code [N, 8, H_3, W_3]} from pyramid levels {@code [N, F, H_l, W_l]}
     * (P3 first; levels beyond P5 are ignored).
     */
    public Variable forward(List<Variable> features) {
        if (features.size() < NUM_LEVELS) {
            throw new ShapeMismatchException("CondInstMaskBranch: needs P3, P4 and P5, got " + features.size() + " levels");
        }
        Variable x = refine.get(0).forward(features.get(0));
        int th = x.size(2);
        int tw = x.size(3);
        for (int l = 1; l < NUM_LEVELS; l++) {
            Variable p = refine.get(l).forward(features.get(l));
            // each level halves (ceil) the previous one: P_l is upsampled by 2^l; when the padded
            // size is not a multiple of 32 the upsampled map is a little larger than P3 and is
            // cropped to it (AdelaiDet asserts divisibility instead)
            int factor = 1 << l;
            Variable up = AlignedBilinear.upsample(p, factor);
            if (up.size(2) < th || up.size(3) < tw) {
                throw new ShapeMismatchException("CondInstMaskBranch: level " + (l + 3) + " of shape "
                        + Arrays.toString(p.shape()) + " cannot be upsampled to P3's " + th + "x" + tw);
            }
            x = x.add(up.slice(2, 0, th).slice(3, 0, tw));
        }
        return tower.forward(x);
    }
}
