package org.cassl.nn.models;

import java.util.ArrayList;
import java.util.List;
import org.cassl.autograd.Variable;
import org.cassl.nn.Init;
import org.cassl.nn.Module;
import org.cassl.nn.Parameter;
import org.cassl.tensor.Generator;
import org.cassl.tensor.TensorException;

/**
 * torchvision's {@code BackboneWithFPN} over a ResNet: {@code body} (the ResNet without its
 * classifier, returning the requested stages) and {@code fpn}. Keys read
 * {@code body.layer1.0.conv1.weight}, {@code fpn.inner_blocks.0.0.weight}, ... and gain the
 * detector's {@code backbone.} prefix when nested.
 *
 * <p>{@link #resnetFpn} mirrors {@code _resnet_fpn_extractor}: stages 2..4 (C3..C5), FPN
 * channels from {@code inplanes // 8}, and the trainable-layers freezing.
 */
public class BackboneWithFpn extends Module {
    private final ResNet body;
    private final FeaturePyramidNetwork fpn;
    private final int[] returnedStages;

    public BackboneWithFpn(ResNet body, int[] returnedStages, FeaturePyramidNetwork fpn) {
        if (fpn.numInputs() != returnedStages.length) {
            throw new TensorException("BackboneWithFpn: " + returnedStages.length + " returned stages but the FPN takes "
                    + fpn.numInputs() + " inputs");
        }
        this.body = registerModule("body", body);
        this.fpn = registerModule("fpn", fpn);
        this.returnedStages = returnedStages.clone();
    }

    /**
     * The FCOS/RetinaNet backbone: a ResNet body, FPN over the given stages with
     * {@code outChannels} channels and {@code extraBlocks} (null: {@link LastLevelMaxPool}), and
     * all body parameters outside the last {@code trainableLayers} layers frozen.
     */
    public static BackboneWithFpn resnetFpn(ResNet.Arch arch, NormKind norm, int trainableLayers, int[] returnedStages,
                                            int outChannels, ExtraFpnBlock extraBlocks, Generator gen) {
        ResNet body = new ResNet(arch, norm, 0, gen);
        freezeLayers(body, trainableLayers);
        int stage2 = body.stageChannels(4) / 8;
        int[] in = new int[returnedStages.length];
        for (int i = 0; i < in.length; i++) {
            if (returnedStages[i] < 1 || returnedStages[i] > 4) {
                throw new TensorException("Each returned layer should be in the range [1,4]. Got " + returnedStages[i]);
            }
            in[i] = stage2 << (returnedStages[i] - 1);
        }
        FeaturePyramidNetwork fpn = new FeaturePyramidNetwork(in, outChannels,
                extraBlocks == null ? new LastLevelMaxPool() : extraBlocks, gen);
        return new BackboneWithFpn(body, returnedStages, fpn);
    }

    /**
     * torchvision's {@code fcos_resnet50_fpn} backbone for any depth: stages 2, 3, 4, 256 FPN
     * channels, {@code LastLevelP6P7(256, 256)}.
     */
    public static BackboneWithFpn fcosBackbone(ResNet.Arch arch, NormKind norm, int trainableLayers, Generator gen) {
        return resnetFpn(arch, norm, trainableLayers, new int[] {2, 3, 4}, 256, new LastLevelP6P7(256, 256, gen), gen);
    }

    public static BackboneWithFpn fcosBackbone(ResNet.Arch arch, NormKind norm, int trainableLayers) {
        return fcosBackbone(arch, norm, trainableLayers, Init.defaultGenerator());
    }

    /**
     * {@code _resnet_fpn_extractor}'s freezing: only parameters whose name starts with one of the
     * last {@code trainableLayers} of {@code layer4, layer3, layer2, layer1, conv1} (plus
     * {@code bn1} when all 5) keep requiring gradients.
     */
    public static void freezeLayers(ResNet body, int trainableLayers) {
        if (trainableLayers < 0 || trainableLayers > 5) {
            throw new TensorException("Trainable layers should be in the range [0,5], got " + trainableLayers);
        }
        List<String> train = new ArrayList<>(List.of("layer4", "layer3", "layer2", "layer1", "conv1")
                .subList(0, trainableLayers));
        if (trainableLayers == 5) {
            train.add("bn1");
        }
        for (var e : body.namedParameters().entrySet()) {
            boolean keep = train.stream().anyMatch(e.getKey()::startsWith);
            Parameter p = e.getValue();
            if (!keep) {
                p.setRequiresGrad(false);
            }
        }
    }

    /**
     * torchvision's {@code _validate_trainable_layers}: without pretrained weights every layer is
     * trainable ({@code maxValue}); otherwise {@code requested}, or {@code defaultValue} when null.
     */
    public static int validateTrainableLayers(boolean isTrained, Integer requested, int maxValue, int defaultValue) {
        int v = !isTrained ? maxValue : requested == null ? defaultValue : requested;
        if (v < 0 || v > maxValue) {
            throw new TensorException("Trainable backbone layers should be in the range [0," + maxValue + "], got " + v);
        }
        return v;
    }

    public ResNet body() {
        return body;
    }

    public FeaturePyramidNetwork fpn() {
        return fpn;
    }

    public int outChannels() {
        return fpn.outChannels();
    }

    public int[] returnedStages() {
        return returnedStages.clone();
    }

    /** P3..P7 for FCOS (highest resolution first), each {@code [N, outChannels, H_l, W_l]}. */
    public List<Variable> forward(Variable x) {
        return fpn.forward(body.features(x, returnedStages));
    }

    /** torchvision's level names: {@code "0".."k-1"} then the extra blocks' names. */
    public List<String> featureNames() {
        List<String> in = new ArrayList<>();
        for (int i = 0; i < returnedStages.length; i++) {
            in.add(Integer.toString(i));
        }
        return fpn.outputNames(in);
    }
}
