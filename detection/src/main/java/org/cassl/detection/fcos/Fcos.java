package org.cassl.detection.fcos;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.GradMode;
import org.cassl.autograd.Variable;
import org.cassl.detection.Detections;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.Target;
import org.cassl.detection.mask.CondInstHead;
import org.cassl.detection.mask.RoiHeads;
import org.cassl.detection.transform.GeneralizedRcnnTransform;
import org.cassl.detection.transform.ImageList;
import org.cassl.nn.Init;
import org.cassl.nn.LoadResult;
import org.cassl.nn.Module;
import org.cassl.nn.Weights;
import org.cassl.nn.models.BackboneWithFpn;
import org.cassl.nn.models.NormKind;
import org.cassl.nn.models.ResNet;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * The FCOS detector, torchvision's {@code FCOS} with a ResNet-FPN backbone
 * ({@code _resnet_fpn_extractor(returned_layers=[2,3,4], extra_blocks=LastLevelP6P7(F, F))}):
 * children {@code backbone} ({@code body}, {@code fpn}) and {@code head}, so the state dict has
 * torchvision's keys and a torchvision checkpoint exported as safetensors loads as is.
 *
 * <p>Inputs are images {@code [3, H_i, W_i]} float in [0, 1] of any sizes. {@link #losses} is the
 * training forward (torchvision's train-mode output: the loss map); {@link #detect} is the
 * inference forward (eval-mode output: detections in original image coordinates). Both run the
 * modules in their current mode, as PyTorch does: call {@link #eval()} before inference when the
 * backbone has trainable BatchNorm.
 *
 * <p>The config's {@code mask_head} adds a segmentation head: {@code condinst} registers
 * {@link CondInstHead}'s children at the top level as AdelaiDet names them ({@code mask_branch.*},
 * {@code controller.*}); {@code roi} registers {@code roi_heads} ({@code roi_heads.mask_head.*},
 * {@code roi_heads.mask_predictor.*}, torchvision's Mask R-CNN names). With a mask head
 * {@link #losses} adds {@code loss_mask} (targets must then carry masks) and {@link #detect} fills
 * {@link Detections#masks()} with probabilities {@code [D, H, W]} at the original image size.
 */
public final class Fcos extends Module {
    private final FcosConfig config;
    private final BackboneWithFpn backbone;
    private final FcosHead head;
    private final GeneralizedRcnnTransform transform;
    private final AnchorGenerator anchorGenerator;
    private final FcosTargetAssigner assigner;
    private final FcosLoss loss = new FcosLoss();
    private final FcosPostProcessor postProcessor;
    private final MaskHead maskHead;

    /** Everything the network computed for one batch, for training loops and parity checks. */
    public record Forward(ImageList images, List<Target> targets, List<Variable> features, HeadOutputs head,
                          Anchors anchors) {
    }

    /** A model with freshly initialised weights drawn from {@code gen} (torchvision's initialisers). */
    public Fcos(FcosConfig config, Generator gen) {
        this.config = config;
        ResNet.Arch arch = ResNet.Arch.valueOf(config.backbone().name());
        NormKind norm = config.frozenBn() ? NormKind.FROZEN : NormKind.BATCH;
        int f = config.fpnChannels();
        this.backbone = registerModule("backbone", BackboneWithFpn.resnetFpn(arch, norm, config.trainableBackboneLayers(),
                new int[] {2, 3, 4}, f, ExtraLevels.forMaxLevel(config.maxLevel(), f, gen), gen));
        this.head = registerModule("head", new FcosHead(f, config.numClasses(), config.numConvs(), gen));
        this.maskHead = switch (config.maskHead()) {
            case NONE -> MaskHead.NONE;
            case CONDINST -> condInst(f, gen);
            case ROI -> roi(registerModule("roi_heads", new RoiHeads(f, config.numClasses(), gen)));
        };
        this.transform = GeneralizedRcnnTransform.of(config);
        boolean original = config.assignment() == FcosConfig.Assignment.ORIGINAL;
        this.anchorGenerator = new AnchorGenerator(config.levelAnchorSizes(), original);
        this.assigner = new FcosTargetAssigner(config.assignment(), config.centerSamplingRadius(), config.levelBoundaries());
        this.postProcessor = new FcosPostProcessor(config.scoreThresh(), config.nmsThresh(), config.detectionsPerImg(),
                config.topkCandidates());
    }

    /** Seed of the generator that subsamples CondInst's positives beyond 500 per batch. */
    public static final long MASK_SAMPLER_SEED = 0x5eed;

    /** Key of the mask loss in {@link #losses}' map (AdelaiDet's and torchvision's name). */
    public static final String LOSS_MASK = "loss_mask";

    /** A model with weights from the default generator ({@link Init#defaultGenerator()}). */
    public Fcos(FcosConfig config) {
        this(config, Init.defaultGenerator());
    }

    /**
     * A model for loading weights right after: random initialisation is skipped (constant
     * initialisers still apply), which saves the time of drawing millions of numbers.
     */
    @SuppressWarnings("try")
    public static Fcos forLoading(FcosConfig config) {
        try (Init.Scope s = Init.skipRandom()) {
            return new Fcos(config, new Generator(0));
        }
    }

    public FcosConfig config() {
        return config;
    }

    public BackboneWithFpn backbone() {
        return backbone;
    }

    public FcosHead head() {
        return head;
    }

    public GeneralizedRcnnTransform transform() {
        return transform;
    }

    public AnchorGenerator anchorGenerator() {
        return anchorGenerator;
    }

    public FcosTargetAssigner assigner() {
        return assigner;
    }

    public FcosPostProcessor postProcessor() {
        return postProcessor;
    }

    /** The segmentation head ({@link MaskHead#NONE} when the config has none). */
    public MaskHead maskHead() {
        return maskHead;
    }

    /** Whether a mask head was built (the config's {@code mask_head} is not {@code none}). */
    public boolean hasMaskHead() {
        return maskHead != MaskHead.NONE;
    }

    /** CondInst's children sit at the top level ({@code mask_branch.*}, {@code controller.*}: AdelaiDet's keys). */
    private MaskHead condInst(int channels, Generator gen) {
        CondInstHead c = new CondInstHead(channels, gen, MASK_SAMPLER_SEED);
        registerModule("mask_branch", c.maskBranch());
        registerModule("controller", c.controller());
        return new MaskHead() {
            @Override
            public FcosConfig.MaskHead kind() {
                return FcosConfig.MaskHead.CONDINST;
            }

            @Override
            public Variable loss(Forward fw, List<Tensor> matched, FcosPostProcessor postProcessor) {
                return c.loss(fw.features(), fw.head(), fw.anchors(), fw.targets(), matched);
            }

            @Override
            public List<Tensor> masks(Forward fw, FcosPostProcessor.Result result, List<Detections> resized,
                                      List<int[]> originalSizes) {
                return c.masks(fw.features(), fw.head(), fw.anchors(), result.points(), fw.images().imageSizes(),
                        originalSizes);
            }
        };
    }

    private static MaskHead roi(RoiHeads r) {
        return new MaskHead() {
            @Override
            public FcosConfig.MaskHead kind() {
                return FcosConfig.MaskHead.ROI;
            }

            @Override
            public Variable loss(Forward fw, List<Tensor> matched, FcosPostProcessor postProcessor) {
                // the detections that join the ground-truth boxes as RoIs: post-processing of the
                // current outputs, off the tape
                HeadOutputs h = fw.head();
                List<Detections> dets = postProcessor.apply(h.clsLogits().data(), h.bboxRegression().data(),
                        h.bboxCtrness().data(), fw.anchors(), fw.images().imageSizes());
                return r.loss(fw.features(), fw.targets(), dets, fw.images().imageSizes());
            }

            @Override
            public List<Tensor> masks(Forward fw, FcosPostProcessor.Result result, List<Detections> resized,
                                      List<int[]> originalSizes) {
                return r.masks(fw.features(), resized, fw.images().imageSizes(), originalSizes);
            }
        };
    }

    /**
     * Transform, backbone, head and anchors for a batch. {@code targets} (may be null) come back
     * in the coordinates of the resized images; in training mode the shorter-side size is drawn
     * from the config's {@code min_size} list with {@code rng}.
     */
    public Forward run(List<Tensor> images, List<Target> targets, Generator rng) {
        return run(images, targets, isTraining(), rng);
    }

    private Forward run(List<Tensor> images, List<Target> targets, boolean trainingSizes, Generator rng) {
        GeneralizedRcnnTransform.Batch batch = transform.apply(images, targets, trainingSizes, rng);
        if (batch.targets() != null) {
            checkBoxes(batch.targets());
        }
        ImageList il = batch.images();
        List<Variable> features = backbone.forward(Variable.of(il.tensors()));
        HeadOutputs outputs = head.forward(features);
        List<int[]> grids = new ArrayList<>();
        for (Variable f : features) {
            grids.add(new int[] {f.size(2), f.size(3)});
        }
        Anchors anchors = anchorGenerator.generate(il.paddedHeight(), il.paddedWidth(), grids,
                features.get(0).dtype(), il.tensors().device());
        return new Forward(il, batch.targets(), features, outputs, anchors);
    }

    /** torchvision rejects boxes without positive width and height after resizing. */
    private static void checkBoxes(List<Target> targets) {
        for (int i = 0; i < targets.size(); i++) {
            float[] b = targets.get(i).boxes().toFloatArray();
            for (int k = 0; k < b.length; k += 4) {
                if (!(b[k + 2] > b[k]) || !(b[k + 3] > b[k + 1])) {
                    throw new TensorException("Fcos: all bounding boxes should have positive height and width; found "
                            + java.util.Arrays.toString(java.util.Arrays.copyOfRange(b, k, k + 4)) + " for target at index "
                            + i);
                }
            }
        }
    }

    /**
     * The training forward: the loss map {@code {classification, bbox_regression, bbox_ctrness}}
     * (scalars on the tape; sum them and call backward).
     *
     * @param images  N images {@code [3, H_i, W_i]} in [0, 1]
     * @param targets N targets: boxes {@code [G_i, 4]} (x1, y1, x2, y2) in image pixels, labels {@code [G_i]}
     * @param rng     draws the multi-scale size in training mode (may be null with a single min size)
     */
    public Map<String, Variable> losses(List<Tensor> images, List<Target> targets, Generator rng) {
        if (targets == null || targets.size() != images.size()) {
            throw new TensorException("Fcos.losses: one target per image is required, got "
                    + (targets == null ? "none" : targets.size()) + " for " + images.size() + " images");
        }
        if (hasMaskHead()) {
            checkMasks(images, targets);
        }
        return losses(run(images, targets, rng));
    }

    /** The losses of an already computed forward (its targets must be set). */
    public Map<String, Variable> losses(Forward fw) {
        if (fw.targets() == null) {
            throw new TensorException("Fcos.losses: the forward was run without targets");
        }
        List<Tensor> matched = new ArrayList<>();
        for (Target t : fw.targets()) {
            matched.add(assigner.assign(fw.anchors(), t.boxes()));
        }
        Map<String, Variable> losses = loss.compute(fw.head(), fw.targets(), fw.anchors(), matched);
        if (hasMaskHead()) {
            checkResizedMasks(fw.targets());
            losses.put(LOSS_MASK, maskHead.loss(fw, matched, postProcessor));
        }
        return losses;
    }

    /** With a mask head every target needs masks {@code [G, H, W]} of its image's size. */
    private void checkMasks(List<Tensor> images, List<Target> targets) {
        for (int i = 0; i < targets.size(); i++) {
            Tensor m = targets.get(i).masks();
            Tensor im = images.get(i);
            if (m == null) {
                throw new TensorException("Fcos.losses: the model has a " + config.maskHead().jsonName()
                        + " mask head but target " + i + " has no masks; give every target instance masks [G, H, W]");
            }
            if (m.size(1) != im.size(-2) || m.size(2) != im.size(-1)) {
                throw new TensorException("Fcos.losses: target " + i + " has masks of " + m.size(1) + "x" + m.size(2)
                        + " for an image of " + im.size(-2) + "x" + im.size(-1) + "; masks must cover the image");
            }
        }
    }

    private void checkResizedMasks(List<Target> targets) {
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i).masks() == null) {
                throw new TensorException("Fcos.losses: the model has a " + config.maskHead().jsonName()
                        + " mask head but target " + i + " has no masks; give every target instance masks [G, H, W]");
            }
        }
    }

    /**
     * The inference forward: per image, detections (boxes {@code [D, 4]} in original image
     * pixels, scores {@code [D]}, labels {@code [D]}) by descending score. Runs without a tape;
     * images are resized to the evaluation size (the last {@code min_size}) in either mode.
     */
    public List<Detections> detect(List<Tensor> images) {
        return detect(images, postProcessor);
    }

    /**
     * {@link #detect(List)} keeping only detections scoring at least {@code minScore} (when above
     * the config's {@code score_thresh}). The result equals {@code detect(images)} filtered to
     * {@code score >= minScore}: each candidate's fate in top-k, per-class NMS and the per-image
     * cap depends only on higher-scoring candidates. It is cheaper with a mask head, which then
     * runs on the kept detections only (the pseudo-labeller's case).
     */
    public List<Detections> detect(List<Tensor> images, double minScore) {
        return detect(images, minScore > config.scoreThresh() ? new FcosPostProcessor(minScore, config.nmsThresh(),
                config.detectionsPerImg(), config.topkCandidates()) : postProcessor);
    }

    /** The one inference forward behind both {@code detect} methods. */
    @SuppressWarnings("try")
    private List<Detections> detect(List<Tensor> images, FcosPostProcessor processor) {
        try (GradMode.Scope g = GradMode.off()) {
            Forward fw = run(images, null, false, null);
            return detections(fw, originalSizes(images), processor);
        }
    }

    /** Post-processing of an already computed forward, mapped back to {@code originalSizes} ({@code {h, w}}). */
    public List<Detections> detections(Forward fw, List<int[]> originalSizes) {
        return detections(fw, originalSizes, postProcessor);
    }

    private List<Detections> detections(Forward fw, List<int[]> originalSizes, FcosPostProcessor processor) {
        HeadOutputs h = fw.head();
        FcosPostProcessor.Result r = processor.applyWithPoints(h.clsLogits().data(), h.bboxRegression().data(),
                h.bboxCtrness().data(), fw.anchors(), fw.images().imageSizes());
        List<Detections> d = r.detections();
        List<Tensor> masks = maskHead.masks(fw, r, d, originalSizes);
        if (masks != null) {
            d = withMasks(d, masks);
        }
        return transform.postprocess(d, fw.images().imageSizes(), originalSizes);
    }

    private static List<Detections> withMasks(List<Detections> d, List<Tensor> masks) {
        List<Detections> out = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            Detections x = d.get(i);
            out.add(new Detections(x.boxes(), x.scores(), x.labels(), masks.get(i)));
        }
        return out;
    }

    private static List<int[]> originalSizes(List<Tensor> images) {
        List<int[]> sizes = new ArrayList<>();
        for (Tensor im : images) {
            sizes.add(new int[] {im.size(-2), im.size(-1)});
        }
        return sizes;
    }

    /**
     * Loads weights saved with torchvision's state-dict names (a torchvision FCOS checkpoint
     * exported as safetensors, or {@link #saveWeights}); strict: missing or unexpected keys and
     * shape mismatches fail with one message listing them ({@code num_batches_tracked} ignored).
     */
    public LoadResult loadWeights(Path file) {
        return Weights.loadInto(this, file, true);
    }

    /** Writes the state dict under torchvision's names, loadable by {@code FCOS.load_state_dict}. */
    public void saveWeights(Path file) {
        Weights.save(this, file);
    }
}
