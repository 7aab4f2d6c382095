package org.cassl.nn.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.cassl.autograd.Variable;
import org.cassl.nn.Init;
import org.cassl.nn.Module;
import org.cassl.autograd.Functional;
import org.cassl.nn.layers.Conv2d;
import org.cassl.nn.layers.ModuleList;
import org.cassl.nn.layers.Sequential;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;
import org.cassl.tensor.InterpolationMode;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.TensorException;

/**
 * torchvision 0.14's {@code FeaturePyramidNetwork} without norm layers: per input level a lateral
 * 1x1 conv ({@code inner_blocks.i.0}) and an output 3x3 conv ({@code layer_blocks.i.0}), both
 * wrapped in a one-element {@code Sequential} as {@code Conv2dNormActivation} does. Top-down:
 * {@code last = inner[-1](x[-1])}, then for lower levels
 * {@code last = inner[i](x[i]) + nearest_upsample(last, size of the lateral)}; each level's
 * output is {@code layer[i](last)}. The optional {@code extra_blocks} append levels.
 * Conv weights {@code kaiming_uniform_(a=1)}, biases 0.
 *
 * <p>Input: features highest resolution first, {@code [N, in_i, H_i, W_i]}; output: the same
 * number of levels plus the extra ones, each {@code [N, out, H_i, W_i]}.
 */
public class FeaturePyramidNetwork extends Module {
    private final ModuleList<Sequential> innerBlocks;
    private final ModuleList<Sequential> layerBlocks;
    private final ExtraFpnBlock extraBlocks;
    private final int outChannels;

    public FeaturePyramidNetwork(int[] inChannels, int outChannels, ExtraFpnBlock extraBlocks, Generator gen) {
        if (inChannels.length == 0) {
            throw new TensorException("FeaturePyramidNetwork: no input levels");
        }
        this.outChannels = outChannels;
        innerBlocks = registerModule("inner_blocks", new ModuleList<>());
        layerBlocks = registerModule("layer_blocks", new ModuleList<>());
        for (int in : inChannels) {
            if (in <= 0) {
                throw new TensorException("FeaturePyramidNetwork: in_channels=" + in + " is not supported");
            }
            Conv2d inner = new Conv2d(in, outChannels, 1, 1, Conv2dParams.defaults(), true, gen);
            Conv2d layer = new Conv2d(outChannels, outChannels, 3, 3, Conv2dParams.of(1, 1, 1, 1), true, gen);
            for (Conv2d c : new Conv2d[] {inner, layer}) {
                Init.kaimingUniform(c.weight().data(), 1, gen);
                Init.zeros(c.bias().data());
            }
            innerBlocks.add(new Sequential(inner));
            layerBlocks.add(new Sequential(layer));
        }
        this.extraBlocks = extraBlocks == null ? null : registerModule("extra_blocks", extraBlocks);
    }

    public int outChannels() {
        return outChannels;
    }

    /** Number of input levels. */
    public int numInputs() {
        return innerBlocks.size();
    }

    /**
     * The pyramid: one output per input level (highest resolution first), then the extra levels.
     */
    public List<Variable> forward(List<Variable> x) {
        int n = innerBlocks.size();
        if (x.size() != n) {
            throw new ShapeMismatchException("FeaturePyramidNetwork: expected " + n + " feature maps, got " + x.size());
        }
        Variable last = innerBlocks.get(n - 1).forward(x.get(n - 1));
        List<Variable> results = new ArrayList<>();
        results.add(layerBlocks.get(n - 1).forward(last));
        for (int i = n - 2; i >= 0; i--) {
            Variable lateral = innerBlocks.get(i).forward(x.get(i));
            Variable topDown = Functional.interpolate(last, lateral.size(2), lateral.size(3), InterpolationMode.NEAREST,
                    false);
            last = lateral.add(topDown);
            results.add(layerBlocks.get(i).forward(last));
        }
        Collections.reverse(results);
        if (extraBlocks != null) {
            results.addAll(extraBlocks.apply(results, x));
        }
        return results;
    }

    /** torchvision's output names given the input names (e.g. {@code 0, 1, 2, p6, p7}). */
    public List<String> outputNames(List<String> inputNames) {
        List<String> names = new ArrayList<>(inputNames);
        if (extraBlocks != null) {
            names.addAll(extraBlocks.names());
        }
        return names;
    }
}
