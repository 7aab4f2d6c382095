package org.cassl.nn.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.cassl.autograd.Variable;
import org.cassl.nn.FastInference;
import org.cassl.nn.Init;
import org.cassl.nn.Layer;
import org.cassl.nn.Module;
import org.cassl.nn.layers.BatchNorm2d;
import org.cassl.nn.layers.Conv2d;
import org.cassl.nn.layers.ConvNormFold;
import org.cassl.nn.layers.GroupNorm;
import org.cassl.nn.layers.Linear;
import org.cassl.nn.layers.MaxPool2d;
import org.cassl.nn.layers.NormAct;
import org.cassl.nn.layers.ReLU;
import org.cassl.nn.layers.Sequential;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;
import org.cassl.tensor.TensorException;

/**
 * torchvision's ResNet (v1.5: the stride sits on the 3x3 conv of a bottleneck) with its module
 * names: stem {@code conv1} (7x7/2), {@code bn1}, {@code relu}, {@code maxpool} (3x3/2), stages
 * {@code layer1..layer4} of blocks {@code layerK.i}, each stage's first block carrying
 * {@code downsample = Sequential(conv1x1, norm)} when the shape changes, and, when built with
 * classes, {@code fc} after global average pooling.
 *
 * <p>Built without classes it is the detection body of torchvision's
 * {@code IntermediateLayerGetter} (same keys: no avgpool/fc): {@link #features} returns the
 * outputs of the requested stages, e.g. C3, C4, C5 for stages 2, 3, 4 (strides 8, 16, 32).
 *
 * <p>In evaluation mode, when nothing is recorded ({@link FastInference}), every norm is folded
 * into the convolution before it and the block's residual and ReLUs run in the convolutions'
 * output passes ({@link ConvNormFold}); results agree with the layers applied one by one up to
 * float rounding.
 *
 * <p>Initialisation as torchvision: conv weights {@code kaiming_normal_(fan_out, relu)}, norm
 * weights 1 and biases 0, {@code fc} PyTorch's Linear default.
 */
public class ResNet extends Layer {
    /** The supported depths. */
    public enum Arch {
        RESNET18(false, 2, 2, 2, 2),
        RESNET34(false, 3, 4, 6, 3),
        RESNET50(true, 3, 4, 6, 3);

        private final boolean bottleneck;
        private final int[] blocks;

        Arch(boolean bottleneck, int... blocks) {
            this.bottleneck = bottleneck;
            this.blocks = blocks;
        }

        /** Blocks per stage. */
        public int[] blocks() {
            return blocks.clone();
        }

        public int expansion() {
            return bottleneck ? Bottleneck.EXPANSION : BasicBlock.EXPANSION;
        }

        /** {@code resnet18|resnet34|resnet50}, as in model configs. */
        public static Arch parse(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TensorException("unknown backbone '" + name + "', expected one of resnet18, resnet34, resnet50");
            }
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Arch arch;
    private final Conv2d conv1;
    private final Layer bn1;
    private final MaxPool2d maxpool;
    private final Sequential[] stages = new Sequential[4];
    private final Linear fc;
    private int inplanes = 64;

    /**
     * @param numClasses classifier outputs, or 0 for the headless body (no {@code fc})
     */
    public ResNet(Arch arch, NormKind norm, int numClasses, Generator gen) {
        if (numClasses < 0) {
            throw new TensorException("ResNet: numClasses must be >= 0, got " + numClasses);
        }
        this.arch = arch;
        conv1 = registerModule("conv1", new Conv2d(3, 64, 7, 7, Conv2dParams.of(2, 3, 1, 1), false, gen));
        bn1 = registerModule("bn1", norm.create(64));
        registerModule("relu", new ReLU());
        maxpool = registerModule("maxpool", new MaxPool2d(3, 2, 1));
        int[] planes = {64, 128, 256, 512};
        int[] blocks = arch.blocks();
        for (int s = 0; s < 4; s++) {
            stages[s] = registerModule("layer" + (s + 1), makeStage(planes[s], blocks[s], s == 0 ? 1 : 2, norm, gen));
        }
        fc = numClasses > 0 ? registerModule("fc", new Linear(512 * arch.expansion(), numClasses, true, gen)) : null;
        for (Module m : namedModules().values()) {
            if (m instanceof Conv2d c) {
                Init.kaimingNormal(c.weight().data(), 0, Init.FanMode.FAN_OUT, Init.Nonlinearity.RELU, gen);
            } else if (m instanceof BatchNorm2d b) {
                Init.ones(b.weight().data());
                Init.zeros(b.bias().data());
            } else if (m instanceof GroupNorm g && g.weight() != null) {
                Init.ones(g.weight().data());
                Init.zeros(g.bias().data());
            }
        }
    }

    /** A headless body (the detection backbone) with weights from the default generator. */
    public static ResNet body(Arch arch, NormKind norm) {
        return new ResNet(arch, norm, 0, Init.defaultGenerator());
    }

    private Sequential makeStage(int planes, int blocks, int stride, NormKind norm, Generator gen) {
        int out = planes * arch.expansion();
        Sequential downsample = null;
        if (stride != 1 || inplanes != out) {
            downsample = new Sequential(new Conv2d(inplanes, out, 1, 1, Conv2dParams.of(stride, 0, 1, 1), false, gen),
                    norm.create(out));
        }
        Sequential stage = new Sequential();
        stage.add(block(inplanes, planes, stride, downsample, norm, gen));
        inplanes = out;
        for (int i = 1; i < blocks; i++) {
            stage.add(block(inplanes, planes, 1, null, norm, gen));
        }
        return stage;
    }

    private Layer block(int in, int planes, int stride, Sequential downsample, NormKind norm, Generator gen) {
        return arch.bottleneck ? new Bottleneck(in, planes, stride, downsample, norm, gen)
                : new BasicBlock(in, planes, stride, downsample, norm, gen);
    }

    public Arch arch() {
        return arch;
    }

    /** Output channels of stage {@code k} (1..4): {@code 64 * 2^(k-1) * expansion}. */
    public int stageChannels(int k) {
        checkStage(k);
        return (64 << (k - 1)) * arch.expansion();
    }

    /** Stage {@code k} (1..4) as its {@code Sequential} of blocks. */
    public Sequential stage(int k) {
        checkStage(k);
        return stages[k - 1];
    }

    private static void checkStage(int k) {
        if (k < 1 || k > 4) {
            throw new TensorException("ResNet: stage must be in [1, 4], got " + k);
        }
    }

    /**
     * The outputs of the requested stages in the given (ascending) order; stages past the last
     * requested one are not run. {@code x [N, 3, H, W]}.
     */
    public List<Variable> features(Variable x, int... returnedStages) {
        if (returnedStages.length == 0) {
            throw new TensorException("ResNet.features: no stages requested");
        }
        for (int i = 0; i < returnedStages.length; i++) {
            checkStage(returnedStages[i]);
            if (i > 0 && returnedStages[i] <= returnedStages[i - 1]) {
                throw new TensorException("ResNet.features: stages must be ascending, got "
                        + Arrays.toString(returnedStages));
            }
        }
        List<Variable> out = new ArrayList<>();
        Variable y = maxpool.forward(stem(x));
        int last = returnedStages[returnedStages.length - 1];
        int next = 0;
        for (int k = 1; k <= last; k++) {
            y = stages[k - 1].forward(y);
            if (returnedStages[next] == k) {
                out.add(y);
                next++;
            }
        }
        return out;
    }

    /** {@code relu(bn1(conv1(x)))}, with the norm folded into the convolution at inference. */
    private Variable stem(Variable x) {
        if (FastInference.applies(x, conv1, bn1) && ConvNormFold.folds(bn1)) {
            return ConvNormFold.forward(conv1, bn1, x, null, true);
        }
        return NormAct.forward(bn1, conv1.forward(x), null, true);
    }

    /** Classification logits {@code [N, numClasses]}; needs a model built with classes. */
    @Override
    public Variable forward(Variable x) {
        if (fc == null) {
            throw new IllegalStateException("ResNet.forward: this is a headless body (numClasses 0); use features()");
        }
        Variable c5 = features(x, 4).get(0);
        Variable pooled = c5.mean(new int[] {2, 3}, false);
        return fc.forward(pooled);
    }
}
