package org.cassl.detection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The FCOS model configuration (the model config JSON of DESIGN.md): snake_case keys with
 * torchvision's names and defaults. Parsing is strict: an unknown key, a value of the wrong type
 * or a value out of range raises {@link ConfigException} naming the key, the value and what is
 * allowed. Missing keys take the defaults of {@link #defaults()}.
 *
 * @param backbone                the ResNet trunk ({@code backbone})
 * @param fpnChannels             channels of every pyramid level ({@code fpn_channels}); a multiple of 32
 *                                because the head uses GroupNorm(32)
 * @param numClasses              classifier outputs including the unused background index 0 ({@code num_classes})
 * @param minSize                 shorter-side targets ({@code min_size}): one value, or several to pick from at
 *                                random in training (evaluation uses the last)
 * @param maxSize                 cap on the longer side ({@code max_size})
 * @param imageMean               per-channel normalisation mean ({@code image_mean}, 3 values)
 * @param imageStd                per-channel normalisation std ({@code image_std}, 3 positive values)
 * @param scoreThresh             minimum combined score {@code sqrt(cls*ctr)} kept at inference
 * @param nmsThresh               IoU above which NMS suppresses a box of the same class
 * @param detectionsPerImg        detections kept per image after NMS
 * @param topkCandidates          candidates kept per level before NMS
 * @param centerSamplingRadius    centre-sampling radius in units of the level's anchor size
 * @param maskHead                the segmentation head
 * @param frozenBn                whether backbone BatchNorms are FrozenBatchNorm2d
 * @param assignment              the target-assignment rules
 * @param trainableBackboneLayers how many ResNet stages (counted from layer4 down to conv1) are trained, 0..5
 * @param numConvs                conv + GroupNorm + ReLU blocks in each head tower
 * @param sizeDivisible           the padded batch size is a multiple of this
 * @param fpnLevels               the pyramid levels the model has ({@code fpn_levels}): P3 up to P5, P6 or P7,
 *                                consecutive ({@code [3, 4, 5, 6, 7]}, torchvision's, by default); P6 and P7
 *                                are the extra blocks {@code extra_blocks.p6/p7}, absent with fewer levels
 * @param anchorSizes             anchor side per level ({@code anchor_sizes}), or null for torchvision's
 *                                {@code 2^level} (8, 16, 32, 64, 128 for P3..P7); the centre-sampling radius
 *                                and, without {@code size_ranges}, the scale ranges are in these units
 * @param sizeRanges              the largest edge distance {@code max(l, t, r, b)} a level's positives may have
 *                                ({@code size_ranges}): null for torchvision's {@code (4s, 8s)} per level
 *                                ({@code s} its anchor size, the first level from 0, the last to infinity), or
 *                                the {@code L - 1} increasing boundaries between consecutive levels (level
 *                                {@code i} takes {@code (b[i-1], b[i])}, the first from 0, the last to infinity)
 */
public record FcosConfig(
        Backbone backbone,
        int fpnChannels,
        int numClasses,
        List<Integer> minSize,
        int maxSize,
        List<Double> imageMean,
        List<Double> imageStd,
        double scoreThresh,
        double nmsThresh,
        int detectionsPerImg,
        int topkCandidates,
        double centerSamplingRadius,
        MaskHead maskHead,
        boolean frozenBn,
        Assignment assignment,
        int trainableBackboneLayers,
        int numConvs,
        int sizeDivisible,
        List<Integer> fpnLevels,
        List<Integer> anchorSizes,
        List<Double> sizeRanges) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The ResNet trunks FCOS can sit on. */
    public enum Backbone {
        RESNET18, RESNET34, RESNET50;

        /** The name in the config JSON. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Segmentation heads (see specs/fcos.md section 7). */
    public enum MaskHead {
        NONE, CONDINST, ROI;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Target-assignment rules: torchvision's (the compatibility target), or the original FCOS
     * paper code's (points at half-stride offsets, centre region clipped to the box, inclusive
     * scale ranges, areas with +1).
     */
    public enum Assignment {
        TORCHVISION, ORIGINAL;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Validates every field; see the parameter docs for the rules. */
    public FcosConfig {
        require(backbone != null, "backbone", backbone, "one of " + names(Backbone.values(), Backbone::jsonName));
        require(fpnChannels > 0 && fpnChannels % 32 == 0, "fpn_channels", fpnChannels,
                "a positive multiple of 32 (the head uses GroupNorm with 32 groups)");
        require(numClasses >= 2, "num_classes", numClasses,
                "an integer >= 2 (it counts the unused background index 0)");
        require(minSize != null && !minSize.isEmpty() && minSize.stream().allMatch(s -> s != null && s > 0),
                "min_size", minSize, "a positive integer or a non-empty list of positive integers");
        minSize = List.copyOf(minSize);
        require(maxSize > 0, "max_size", maxSize, "a positive integer");
        require(imageMean != null && imageMean.size() == 3 && imageMean.stream().allMatch(v -> v != null && Double.isFinite(v)),
                "image_mean", imageMean, "a list of 3 finite numbers");
        imageMean = List.copyOf(imageMean);
        require(imageStd != null && imageStd.size() == 3 && imageStd.stream().allMatch(v -> v != null && v > 0
                && Double.isFinite(v)), "image_std", imageStd, "a list of 3 positive numbers");
        imageStd = List.copyOf(imageStd);
        require(scoreThresh >= 0 && scoreThresh <= 1, "score_thresh", scoreThresh, "a number in [0, 1]");
        require(nmsThresh >= 0 && nmsThresh <= 1, "nms_thresh", nmsThresh, "a number in [0, 1]");
        require(detectionsPerImg >= 1, "detections_per_img", detectionsPerImg, "a positive integer");
        require(topkCandidates >= 1, "topk_candidates", topkCandidates, "a positive integer");
        require(centerSamplingRadius > 0 && Double.isFinite(centerSamplingRadius), "center_sampling_radius",
                centerSamplingRadius, "a positive number");
        require(maskHead != null, "mask_head", maskHead, "one of " + names(MaskHead.values(), MaskHead::jsonName));
        require(assignment != null, "assignment", assignment,
                "one of " + names(Assignment.values(), Assignment::jsonName));
        require(trainableBackboneLayers >= 0 && trainableBackboneLayers <= 5, "trainable_backbone_layers",
                trainableBackboneLayers, "an integer in 0..5");
        require(numConvs >= 0, "num_convs", numConvs, "a non-negative integer");
        require(sizeDivisible >= 1, "size_divisible", sizeDivisible, "a positive integer");
        require(fpnLevels != null && fpnLevels.size() >= 3 && fpnLevels.size() <= 5 && fpnLevels.get(0) != null
                && fpnLevels.get(0) == 3 && consecutive(fpnLevels), "fpn_levels", fpnLevels,
                "consecutive levels from 3 up to 5, 6 or 7 ([3, 4, 5], [3, 4, 5, 6] or [3, 4, 5, 6, 7])");
        fpnLevels = List.copyOf(fpnLevels);
        if (anchorSizes != null) {
            require(anchorSizes.size() == fpnLevels.size() && anchorSizes.stream().allMatch(v -> v != null && v > 0),
                    "anchor_sizes", anchorSizes, "null or one positive integer per level of fpn_levels " + fpnLevels);
            anchorSizes = List.copyOf(anchorSizes);
        }
        if (sizeRanges != null) {
            boolean increasing = sizeRanges.size() == fpnLevels.size() - 1
                    && sizeRanges.stream().allMatch(v -> v != null && v > 0 && Double.isFinite(v));
            for (int i = 1; increasing && i < sizeRanges.size(); i++) {
                increasing = sizeRanges.get(i) > sizeRanges.get(i - 1);
            }
            require(increasing, "size_ranges", sizeRanges, "null or " + (fpnLevels.size() - 1)
                    + " increasing positive boundaries between the levels of fpn_levels " + fpnLevels);
            sizeRanges = List.copyOf(sizeRanges);
        }
    }

    private static boolean consecutive(List<Integer> levels) {
        for (int i = 0; i < levels.size(); i++) {
            if (levels.get(i) == null || levels.get(i) != levels.get(0) + i) {
                return false;
            }
        }
        return true;
    }

    /** The anchor side of every level: {@code anchor_sizes}, or torchvision's {@code 2^level}. */
    public int[] levelAnchorSizes() {
        int[] s = new int[fpnLevels.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = anchorSizes != null ? anchorSizes.get(i) : 1 << fpnLevels.get(i);
        }
        return s;
    }

    /** The highest pyramid level (5, 6 or 7). */
    public int maxLevel() {
        return fpnLevels.get(fpnLevels.size() - 1);
    }

    /**
     * Scale range boundaries between consecutive levels, or null for torchvision's per-point
     * {@code (4s, 8s)} ranges.
     */
    public double[] levelBoundaries() {
        return sizeRanges == null ? null : sizeRanges.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** This config with other pyramid levels, anchor sizes (null: 2^level) and scale ranges (null: torchvision's). */
    public FcosConfig withLevels(List<Integer> levels, List<Integer> sizes, List<Double> ranges) {
        return new FcosConfig(backbone, fpnChannels, numClasses, minSize, maxSize, imageMean, imageStd, scoreThresh,
                nmsThresh, detectionsPerImg, topkCandidates, centerSamplingRadius, maskHead, frozenBn, assignment,
                trainableBackboneLayers, numConvs, sizeDivisible, levels, sizes, ranges);
    }

    /** torchvision's defaults ({@code fcos_resnet50_fpn} with COCO's 91 class indices). */
    /** This config with another inference score threshold. */
    public FcosConfig withScoreThresh(double t) {
        return new FcosConfig(backbone, fpnChannels, numClasses, minSize, maxSize, imageMean, imageStd, t, nmsThresh,
                detectionsPerImg, topkCandidates, centerSamplingRadius, maskHead, frozenBn, assignment,
                trainableBackboneLayers, numConvs, sizeDivisible, fpnLevels, anchorSizes, sizeRanges);
    }

    /** This config with another number of classes (index 0 unused), e.g. 2 for a class-agnostic model. */
    public FcosConfig withNumClasses(int n) {
        return new FcosConfig(backbone, fpnChannels, n, minSize, maxSize, imageMean, imageStd, scoreThresh, nmsThresh,
                detectionsPerImg, topkCandidates, centerSamplingRadius, maskHead, frozenBn, assignment,
                trainableBackboneLayers, numConvs, sizeDivisible, fpnLevels, anchorSizes, sizeRanges);
    }

    public static FcosConfig defaults() {
        return new FcosConfig(Backbone.RESNET50, 256, 91, List.of(800), 1333, List.of(0.485, 0.456, 0.406),
                List.of(0.229, 0.224, 0.225), 0.2, 0.6, 100, 1000, 1.5, MaskHead.NONE, true, Assignment.TORCHVISION,
                3, 4, 32, List.of(3, 4, 5, 6, 7), null, null);
    }

    /** The key names accepted in the JSON, in output order. */
    public static List<String> keys() {
        return List.copyOf(FIELDS.keySet());
    }

    /** Parses a JSON object; absent keys keep their defaults. */
    public static FcosConfig parse(String json) {
        return defaults().overriding(json);
    }

    /** Reads and parses a config file; the message of any error names the file. */
    public static FcosConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read model config " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(text);
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /** This configuration with the keys present in the JSON object {@code json} replaced. */
    public FcosConfig overriding(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigException("malformed model config JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("model config must be a JSON object, got "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        ObjectNode merged = (ObjectNode) toJsonNode();
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!FIELDS.containsKey(e.getKey())) {
                throw new ConfigException("unknown model config key '" + e.getKey() + "'; allowed keys: "
                        + String.join(", ", FIELDS.keySet()));
            }
            merged.set(e.getKey(), e.getValue());
        }
        return fromNode(merged);
    }

    /** The configuration as a JSON object with every key (round-trips through {@link #parse}). */
    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJsonNode());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise config", e);
        }
    }

    /** The shorter-side target used in evaluation (torchvision uses the last of the list). */
    public int testMinSize() {
        return minSize.get(minSize.size() - 1);
    }

    // ---- JSON mapping ---------------------------------------------------------------------------

    /** Keys in output order, each with a getter producing its JSON value. */
    private static final Map<String, Function<FcosConfig, Object>> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("backbone", c -> c.backbone.jsonName());
        FIELDS.put("fpn_channels", FcosConfig::fpnChannels);
        FIELDS.put("num_classes", FcosConfig::numClasses);
        FIELDS.put("min_size", c -> c.minSize.size() == 1 ? c.minSize.get(0) : c.minSize);
        FIELDS.put("max_size", FcosConfig::maxSize);
        FIELDS.put("image_mean", FcosConfig::imageMean);
        FIELDS.put("image_std", FcosConfig::imageStd);
        FIELDS.put("score_thresh", FcosConfig::scoreThresh);
        FIELDS.put("nms_thresh", FcosConfig::nmsThresh);
        FIELDS.put("detections_per_img", FcosConfig::detectionsPerImg);
        FIELDS.put("topk_candidates", FcosConfig::topkCandidates);
        FIELDS.put("center_sampling_radius", FcosConfig::centerSamplingRadius);
        FIELDS.put("mask_head", c -> c.maskHead.jsonName());
        FIELDS.put("frozen_bn", FcosConfig::frozenBn);
        FIELDS.put("assignment", c -> c.assignment.jsonName());
        FIELDS.put("trainable_backbone_layers", FcosConfig::trainableBackboneLayers);
        FIELDS.put("num_convs", FcosConfig::numConvs);
        FIELDS.put("size_divisible", FcosConfig::sizeDivisible);
        FIELDS.put("fpn_levels", FcosConfig::fpnLevels);
        FIELDS.put("anchor_sizes", FcosConfig::anchorSizes);
        FIELDS.put("size_ranges", FcosConfig::sizeRanges);
    }

    private JsonNode toJsonNode() {
        ObjectNode o = JSON.createObjectNode();
        for (Map.Entry<String, Function<FcosConfig, Object>> e : FIELDS.entrySet()) {
            o.set(e.getKey(), JSON.valueToTree(e.getValue().apply(this)));
        }
        return o;
    }

    private static FcosConfig fromNode(JsonNode o) {
        return new FcosConfig(
                enumValue(o, "backbone", Backbone.values(), Backbone::jsonName),
                intValue(o, "fpn_channels"),
                intValue(o, "num_classes"),
                intList(o, "min_size"),
                intValue(o, "max_size"),
                doubleList(o, "image_mean"),
                doubleList(o, "image_std"),
                doubleValue(o, "score_thresh"),
                doubleValue(o, "nms_thresh"),
                intValue(o, "detections_per_img"),
                intValue(o, "topk_candidates"),
                doubleValue(o, "center_sampling_radius"),
                enumValue(o, "mask_head", MaskHead.values(), MaskHead::jsonName),
                boolValue(o, "frozen_bn"),
                enumValue(o, "assignment", Assignment.values(), Assignment::jsonName),
                intValue(o, "trainable_backbone_layers"),
                intValue(o, "num_convs"),
                intValue(o, "size_divisible"),
                intList(o, "fpn_levels"),
                nullable(o, "anchor_sizes") ? null : intList(o, "anchor_sizes"),
                nullable(o, "size_ranges") ? null : doubleList(o, "size_ranges"));
    }

    private static boolean nullable(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || v.isNull();
    }

    private static ConfigException typeError(String key, JsonNode v, String expected) {
        return new ConfigException("model config key '" + key + "' has value " + v + "; expected " + expected);
    }

    private static int intValue(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw typeError(key, v, "an integer");
        }
        return v.intValue();
    }

    private static double doubleValue(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || !v.isNumber()) {
            throw typeError(key, v, "a number");
        }
        return v.doubleValue();
    }

    private static boolean boolValue(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || !v.isBoolean()) {
            throw typeError(key, v, "true or false");
        }
        return v.booleanValue();
    }

    private static List<Integer> intList(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v != null && v.isIntegralNumber() && v.canConvertToInt()) {
            return List.of(v.intValue());
        }
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw typeError(key, v, "an integer or a non-empty list of integers");
        }
        List<Integer> r = new ArrayList<>();
        for (JsonNode e : (ArrayNode) v) {
            if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                throw typeError(key, v, "an integer or a non-empty list of integers");
            }
            r.add(e.intValue());
        }
        return r;
    }

    private static List<Double> doubleList(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || !v.isArray()) {
            throw typeError(key, v, "a list of numbers");
        }
        List<Double> r = new ArrayList<>();
        for (JsonNode e : (ArrayNode) v) {
            if (!e.isNumber()) {
                throw typeError(key, v, "a list of numbers");
            }
            r.add(e.doubleValue());
        }
        return r;
    }

    private static <E extends Enum<E>> E enumValue(JsonNode o, String key, E[] values, Function<E, String> name) {
        JsonNode v = o.get(key);
        if (v != null && v.isTextual()) {
            for (E e : values) {
                if (name.apply(e).equals(v.textValue())) {
                    return e;
                }
            }
        }
        throw new ConfigException("model config key '" + key + "' has value " + v + "; allowed values: "
                + names(values, name));
    }

    private static <E> String names(E[] values, Function<E, String> name) {
        return String.join("|", Arrays.stream(values).map(name).toList());
    }

    private static void require(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new ConfigException("model config key '" + key + "' has invalid value " + value + "; expected "
                    + expected);
        }
    }
}
