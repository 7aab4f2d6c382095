package org.cassl.training.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.Fcos;
import org.cassl.nn.Init;
import org.cassl.nn.Module;
import org.cassl.nn.Weights;
import org.cassl.nn.models.NormKind;
import org.cassl.nn.models.ResNet;
import org.cassl.tensor.Tensor;
import org.cassl.training.UserInputException;

/**
 * An ImageNet classification checkpoint (torchvision's {@code resnet18/34/50} state dict:
 * {@code conv1.*}, {@code bn1.*}, {@code layer1..4.*}, {@code fc.*}) as the starting point of the
 * FCOS backbone body ({@code backbone.body.*}), with torchvision's rules for a pretrained backbone:
 * FrozenBatchNorm2d and 3 trainable layers unless the model config sets {@code frozen_bn} or
 * {@code trainable_backbone_layers} itself. {@code fc.*} is ignored; anything else that does not
 * fit the body fails with one line.
 */
public final class BackboneWeights {
    /** Where a rule's value came from: the model config file. */
    public static final String FROM_CONFIG = "config";
    /** Where a rule's value came from: torchvision's default for a pretrained backbone. */
    public static final String FROM_PRETRAINED = "pretrained default";
    /** torchvision's {@code trainable_backbone_layers} default for a pretrained backbone. */
    public static final int PRETRAINED_TRAINABLE_LAYERS = 3;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHOWN_PROBLEMS = 3;

    private BackboneWeights() {
    }

    /**
     * How a stage starts from backbone weights.
     *
     * @param file                the checkpoint
     * @param frozenBn            whether the backbone's norms are FrozenBatchNorm2d
     * @param frozenBnFrom        {@link #FROM_CONFIG} or {@link #FROM_PRETRAINED}
     * @param trainableLayers     the trainable backbone layers
     * @param trainableLayersFrom {@link #FROM_CONFIG} or {@link #FROM_PRETRAINED}
     */
    public record Plan(Path file, boolean frozenBn, String frozenBnFrom, int trainableLayers,
                       String trainableLayersFrom) {
        /** The plan as JSON (for {@code train.json}). */
        public ObjectNode toJson() {
            ObjectNode n = JSON.createObjectNode();
            n.put("file", file.toString());
            n.put("frozen_bn", frozenBn);
            n.put("frozen_bn_from", frozenBnFrom);
            n.put("trainable_backbone_layers", trainableLayers);
            n.put("trainable_backbone_layers_from", trainableLayersFrom);
            return n;
        }

        /** {@code cfg} with this plan's {@code frozen_bn} and {@code trainable_backbone_layers}. */
        public FcosConfig apply(FcosConfig cfg) {
            return cfg.overriding("{\"frozen_bn\": " + frozenBn + ", \"trainable_backbone_layers\": " + trainableLayers + "}");
        }

        /** One line for logs: which values applied and why. */
        public String describe() {
            return "backbone weights " + file.getFileName() + ": frozen_bn " + frozenBn + " (" + frozenBnFrom
                    + "), trainable_backbone_layers " + trainableLayers + " (" + trainableLayersFrom + ")";
        }
    }

    /**
     * The plan for starting from {@code file}: the config file's explicit {@code frozen_bn} and
     * {@code trainable_backbone_layers} win, torchvision's pretrained defaults apply otherwise.
     *
     * @param file       the ImageNet checkpoint
     * @param configFile the model config file {@code cfg} was read from
     * @param cfg        the parsed config
     * @return the plan
     */
    public static Plan plan(Path file, Path configFile, FcosConfig cfg) {
        if (!Files.isRegularFile(file)) {
            throw new BackboneWeightsException("backbone weights not found: " + file);
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(configFile));
        } catch (IOException e) {
            throw new UserInputException("cannot read model config " + configFile + ": " + e.getMessage(), e);
        }
        boolean frozenSet = root != null && root.has("frozen_bn");
        boolean layersSet = root != null && root.has("trainable_backbone_layers");
        return new Plan(file, frozenSet ? cfg.frozenBn() : true, frozenSet ? FROM_CONFIG : FROM_PRETRAINED,
                layersSet ? cfg.trainableBackboneLayers() : PRETRAINED_TRAINABLE_LAYERS,
                layersSet ? FROM_CONFIG : FROM_PRETRAINED);
    }

    /**
     * Reads {@code file} and checks it against the body of {@code cfg}'s backbone without
     * building the detector (the up-front check of a job).
     *
     * @param file the ImageNet checkpoint
     * @param cfg  the model config (its backbone and frozen_bn)
     */
    @SuppressWarnings("try")
    public static void check(Path file, FcosConfig cfg) {
        ResNet body;
        try (Init.Scope s = Init.skipRandom()) {
            body = ResNet.body(ResNet.Arch.valueOf(cfg.backbone().name()), cfg.frozenBn() ? NormKind.FROZEN : NormKind.BATCH);
        }
        fitting(Weights.load(file), body, file, cfg.backbone().jsonName());
    }

    /**
     * Loads {@code file} into the backbone body of {@code model} (every body tensor; {@code fc.*}
     * ignored).
     *
     * @param model a freshly built detector
     * @param file  the ImageNet checkpoint
     * @throws BackboneWeightsException if the checkpoint does not fit the body
     */
    public static void load(Fcos model, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BackboneWeightsException("backbone weights not found: " + file);
        }
        ResNet body = model.backbone().body();
        Map<String, Tensor> w = fitting(Weights.load(file), body, file, model.config().backbone().jsonName());
        body.loadStateDict(w, true);
    }

    /** The checkpoint's body tensors (fc.* dropped), or a one-line failure naming the first problems. */
    private static Map<String, Tensor> fitting(Map<String, Tensor> checkpoint, Module body, Path file, String arch) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        checkpoint.forEach((k, v) -> {
            if (!k.startsWith("fc.")) {
                w.put(k, v);
            }
        });
        Map<String, Tensor> want = body.stateDict();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : want.entrySet()) {
            Tensor t = w.get(e.getKey());
            if (t == null) {
                if (!isNumBatchesTracked(e.getKey())) {
                    problems.add("no " + e.getKey());
                }
            } else if (!Arrays.equals(t.shape(), e.getValue().shape())) {
                problems.add(e.getKey() + " is " + Arrays.toString(t.shape()) + ", expected "
                        + Arrays.toString(e.getValue().shape()));
            }
        }
        for (String k : w.keySet()) {
            if (!want.containsKey(k) && !isNumBatchesTracked(k)) {
                problems.add("unexpected " + k);
            }
        }
        if (problems.isEmpty()) {
            return w;
        }
        StringBuilder m = new StringBuilder("backbone weights " + file.getFileName() + " do not fit " + arch + ": ");
        m.append(String.join(", ", problems.subList(0, Math.min(SHOWN_PROBLEMS, problems.size()))));
        if (problems.size() > SHOWN_PROBLEMS) {
            m.append(" (and ").append(problems.size() - SHOWN_PROBLEMS).append(" more)");
        }
        if (w.keySet().stream().anyMatch(k -> k.startsWith("backbone.body."))) {
            m.append("; this is a detector checkpoint: use it as the initial weights (--init) instead");
        } else {
            m.append("; expected torchvision's ").append(arch).append(" ImageNet state dict (conv1, bn1, layer1..4, fc)");
        }
        throw new BackboneWeightsException(m.toString());
    }

    private static boolean isNumBatchesTracked(String key) {
        return key.endsWith("num_batches_tracked");
    }

    /** Backbone weights that do not fit the config's backbone (the API's {@code ModelLoadException}). */
    public static final class BackboneWeightsException extends UserInputException {
        private static final long serialVersionUID = 1L;

        BackboneWeightsException(String message) {
            super(message);
        }
    }
}
