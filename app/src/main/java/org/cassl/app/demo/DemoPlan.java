package org.cassl.app.demo;

import java.util.List;
import org.cassl.app.shapes.Difficulty;
import org.cassl.detection.FcosConfig;
import org.cassl.training.data.Augmentation;
import org.cassl.training.pipeline.WarmupMode;

/**
 * What the demo runs: data, model, schedules, seeds, controls and ablations. Every reported number
 * is on the test split; the validation split is where choices are made (tau in the ablation).
 * {@link #quick()} is sized for about 15 minutes on 2 CPU cores; {@link #full()} for about an hour.
 *
 * @param name             "quick" or "full"
 * @param labeled          labeled training images
 * @param unlabeled        unlabeled images
 * @param val              validation images (curves and choices)
 * @param test             test images (the reported numbers)
 * @param imageSize        image side in pixels
 * @param dataSeed         seed of the generated dataset
 * @param difficulty       the generator's difficulty knobs
 * @param seeds            training seeds (results are averaged over them)
 * @param teacherIters     L: iterations of the teacher / baseline (a)
 * @param warmupIters      W: iterations of a warmup
 * @param finetuneIters    F: iterations of a fine-tune
 * @param batch            images per step
 * @param lr               base learning rate
 * @param schedule         learning-rate schedule of every stage (after a linear warmup)
 * @param lrWarmup         linear learning-rate warmup, iterations (at most a fifth of a stage)
 * @param optimizer        optimiser of every stage: "sgd" (momentum 0.9) or "adamw"
 * @param weightDecay      weight decay of every stage (none on norms and biases)
 * @param emaDecay         weight EMA decay of every stage (0: off); with it the averaged teacher labels and the
 *                         averaged models are evaluated
 * @param tau              pseudo-label threshold of the main experiment
 * @param warmups          warmup modes (class-agnostic is CA-SSL; class-aware the ablation (d))
 * @param labeledWarmupControl whether control (c), the class-agnostic warmup on labeled data, runs
 * @param ablationSeeds    how many of the seeds (the first ones) also run the class-aware warmup
 * @param ablationTaus     pseudo-label thresholds of the tau ablation (first seed; empty: none)
 * @param ablationUnlabeled unlabeled-pool sizes of the amount ablation (first seed; empty: none)
 * @param evalPoints       validation evaluations per labeled-stage run (for the AP curves)
 * @param augmentation     augmentation of every stage, by name ({@link Augmentation#named})
 * @param model            the detector
 */
public record DemoPlan(String name, int labeled, int unlabeled, int val, int test, int imageSize, long dataSeed,
                       Difficulty difficulty, List<Long> seeds, long teacherIters, long warmupIters, long finetuneIters,
                       int batch, double lr, String schedule, int lrWarmup, String optimizer, double weightDecay,
                       double emaDecay, double tau, List<WarmupMode> warmups,
                       boolean labeledWarmupControl, int ablationSeeds, List<Double> ablationTaus,
                       List<Integer> ablationUnlabeled, int evalPoints, String augmentation, FcosConfig model) {

    public DemoPlan {
        Augmentation.named(augmentation);
    }

    /**
     * The demo data, fitted to a from-scratch detector's budget (bench/demo-experiments.md): 2-4
     * objects per image of 24 to 112 pixels at 128 pixels (scaled with the image size; log-uniform;
     * by COCO's area ranges about 42% small and 58% medium, since a 128-px image holds no large
     * object), smooth backgrounds, light noise, one distractor per 128x128 pixels, objects at least
     * 70% visible; novel kinds make a third of the unlabeled pool's objects. The smallest side was
     * 16 until 2026-12-08: objects under 24 px are 4-6 px wide after the backbone's stride-4 stem,
     * and the baseline (dihedral augmentation, val) found 86% of the 16-32 px objects and named 26%
     * of those right, against 97-100% and 31-37% for the larger ones; with 24 px its val AP went from
     * 16.9 to 21.5 on the new data, seed 0 (bench/demo-experiments.md).
     */
    static Difficulty demoData(int imageSize) {
        return new Difficulty(2, 4, Math.max(4.0, Math.round(imageSize * 24 / 128.0)),
                (double) Math.round(imageSize * 112 / 128.0), 1.0, 0.7, 2.0, false, true, null);
    }

    /**
     * The model's input side for the demo's images: the image size itself, which keeps the quick demo
     * inside its 15-minute budget. A larger input names small objects' classes better and costs time
     * (--input-size): at 192 px for 128-px images the baseline reached 19.3 val AP against 13.7 and
     * the quick demo took 1,180 s instead of about 700 (bench/demo-experiments.md, 2026-12-07).
     */
    static int inputSize(int imageSize) {
        return imageSize;
    }

    /**
     * ResNet-18 FCOS with a narrow pyramid at {@code inputSize} (the transform resizes every image to
     * it), trainable BatchNorm (no pretrained backbone), and only P3-P5 (no 2x2 and 1x1 P6/P7),
     * positives assigned by torchvision's edge-distance ranges {@code (4s, 8s)} (P3 up to 64, so most
     * objects train on P3). Splitting at 16 and 32 instead, which spreads the objects over the three
     * levels, cost 5.2 val AP at the same compute (bench/demo-experiments.md, 2026-12-07).
     */
    static FcosConfig demoModel(int inputSize, FcosConfig.MaskHead maskHead) {
        return FcosConfig.parse("{\"backbone\": \"resnet18\", \"fpn_channels\": 64, \"num_classes\": 7, \"min_size\": "
                + inputSize + ", \"max_size\": " + inputSize + ", \"score_thresh\": 0.05, \"frozen_bn\": false, "
                + "\"trainable_backbone_layers\": 5, \"mask_head\": \"" + maskHead.jsonName() + "\", "
                + "\"fpn_levels\": [3, 4, 5]}");
    }

    /** AdamW's base learning rate in the demo (chosen on val: bench/demo-experiments.md). */
    static final double LR = 1e-3;
    /** AdamW's weight decay in the demo (none on norms and biases). */
    static final double WEIGHT_DECAY = 0.05;
    /** Weight EMA decay of every demo stage. */
    static final double EMA_DECAY = 0.99;
    /**
     * Pseudo-label threshold, chosen on val: with six confusable classes the teacher's best class
     * score rarely passes 0.5; the quick demo's teacher (deterministic on the CPU) has its best F1
     * of class-agnostic precision and recall on val at 0.35 (bench/demo-experiments.md).
     */
    static final double TAU = 0.35;

    /**
     * Augmentation of every demo stage: the shapes have no "up", so flips both ways and transposes
     * (all eight symmetries of the square) multiply the labeled images' variety at no cost. Chosen
     * on val over two seeds: the baseline's val AP 14.8 -> 16.9 (seed 0) and 14.5 -> 17.7 (seed 1)
     * against left-right flips only (bench/demo-experiments.md, 2026-12-08).
     */
    static final String AUGMENTATION = "dihedral";

    /**
     * W and F of the demo (L = W + F = 600): chosen on val among 120/480, 240/360 and 360/240 with
     * the seeds 0 and 1 (class AP of CA-SSL 15.4/15.7, 14.9/17.1 and 14.2/12.8 against the
     * labeled-only control's 13.7/15.6; bench/demo-experiments.md, 2026-12-07). At equal compute a
     * longer warmup places boxes better but leaves the classes, which only the fine-tune's labels
     * teach, fewer steps.
     */
    static final long WARMUP_ITERS = 240;
    /** F, see {@link #WARMUP_ITERS}. */
    static final long FINETUNE_ITERS = 360;

    /** One seed; the baseline (a) trained L = W + F, so it is control (b) too; no control (c), no ablations. */
    public static DemoPlan quick() {
        return new DemoPlan("quick", 200, 3200, 200, 300, 128, 2024, demoData(128), List.of(0L), WARMUP_ITERS + FINETUNE_ITERS, WARMUP_ITERS,
                FINETUNE_ITERS, 8, LR,
                "cosine", 60, "adamw", WEIGHT_DECAY, EMA_DECAY, TAU, List.of(WarmupMode.CLASS_AGNOSTIC), false, 0, List.of(),
                List.of(), 3, AUGMENTATION,
                demoModel(inputSize(128), FcosConfig.MaskHead.NONE));
    }

    /**
     * Two seeds with all five models ((a) = (b) with L = W + F, (c), (d) on the first seed, (e)),
     * and on the first seed the tau ablation (chosen on validation) and the unlabeled-amount one.
     */
    public static DemoPlan full() {
        return new DemoPlan("full", 200, 3200, 200, 300, 128, 2024, demoData(128), List.of(0L, 1L), WARMUP_ITERS + FINETUNE_ITERS,
                WARMUP_ITERS, FINETUNE_ITERS, 8, LR,
                "cosine", 60, "adamw", WEIGHT_DECAY, EMA_DECAY, TAU, List.of(WarmupMode.CLASS_AGNOSTIC, WarmupMode.CLASS_AWARE),
                true, 1,
                List.of(0.3, 0.35, 0.4), List.of(200, 800), 3, AUGMENTATION, demoModel(inputSize(128), FcosConfig.MaskHead.NONE));
    }

    /** The warmups run for the {@code index}-th seed: the class-aware one only on the first {@link #ablationSeeds}. */
    public List<WarmupMode> warmupsForSeed(int index) {
        if (index < ablationSeeds) {
            return warmups;
        }
        return warmups.stream().filter(w -> w == WarmupMode.CLASS_AGNOSTIC).toList();
    }

    /**
     * The sentence that says a model's row averages fewer seeds than the others (the class-aware warmup
     * runs on the first {@link #ablationSeeds} only), or empty when every model ran on every seed.
     */
    public java.util.Optional<String> partialSeedsNote() {
        if (!warmups.contains(WarmupMode.CLASS_AWARE) || ablationSeeds >= seeds.size()) {
            return java.util.Optional.empty();
        }
        List<Long> ran = seeds.subList(0, Math.max(0, ablationSeeds));
        return java.util.Optional.of("class_aware (d) ran on seed(s) " + ran + " only: its row is the mean of "
                + (ran.size() == 1 ? "that seed" : "those seeds") + ", the others of seeds " + seeds);
    }

    /** This plan with another segmentation head on the demo model (box AP is reported either way). */
    public DemoPlan withMaskHead(FcosConfig.MaskHead maskHead) {
        return new DemoPlan(name, labeled, unlabeled, val, test, imageSize, dataSeed, difficulty, seeds, teacherIters,
                warmupIters, finetuneIters, batch, lr, schedule, lrWarmup, optimizer, weightDecay, emaDecay, tau, warmups,
                labeledWarmupControl, ablationSeeds, ablationTaus, ablationUnlabeled, evalPoints, augmentation,
                demoModel(model.maxSize(), maskHead));
    }

    /**
     * This plan with the model resizing its images to {@code inputSize} (min and max size), the rest of the
     * model unchanged (the demo's --input-size).
     *
     * @throws IllegalArgumentException when the size is outside 32..1024
     */
    public DemoPlan withInputSize(int inputSize) {
        if (inputSize < 32 || inputSize > 1024) {
            throw new IllegalArgumentException("--input-size must be between 32 and 1024 pixels, got " + inputSize);
        }
        return new DemoPlan(name, labeled, unlabeled, val, test, imageSize, dataSeed, difficulty, seeds, teacherIters,
                warmupIters, finetuneIters, batch, lr, schedule, lrWarmup, optimizer, weightDecay, emaDecay, tau, warmups,
                labeledWarmupControl, ablationSeeds, ablationTaus, ablationUnlabeled, evalPoints, augmentation,
                demoModel(inputSize, model.maskHead()));
    }

    /** This plan with other training seeds (the demo's --seed picks the first). */
    public DemoPlan withFirstSeed(long seed) {
        List<Long> s = new java.util.ArrayList<>();
        for (int i = 0; i < seeds.size(); i++) {
            s.add(seed + i);
        }
        return new DemoPlan(name, labeled, unlabeled, val, test, imageSize, dataSeed, difficulty, List.copyOf(s), teacherIters,
                warmupIters, finetuneIters, batch, lr, schedule, lrWarmup, optimizer, weightDecay, emaDecay, tau, warmups,
                labeledWarmupControl, ablationSeeds, ablationTaus, ablationUnlabeled, evalPoints, augmentation, model);
    }

    /**
     * This plan with another augmentation of every stage (the demo's --augment).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public DemoPlan withAugmentation(String name) {
        return new DemoPlan(this.name, labeled, unlabeled, val, test, imageSize, dataSeed, difficulty, seeds, teacherIters,
                warmupIters, finetuneIters, batch, lr, schedule, lrWarmup, optimizer, weightDecay, emaDecay, tau, warmups,
                labeledWarmupControl, ablationSeeds, ablationTaus, ablationUnlabeled, evalPoints, name, model);
    }

    /** Writes the model config into {@code out} (the jobs read configs from files) and returns its path. */
    public java.nio.file.Path configFile(java.nio.file.Path out) {
        java.nio.file.Path f = out.resolve("model_config.json");
        try {
            org.cassl.training.io.AtomicFiles.writeString(f, model.toJson());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + f + ": " + e.getMessage(), e);
        }
        return f;
    }
}
