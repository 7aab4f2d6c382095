package org.cassl.app.demo;

import java.util.List;
import org.cassl.detection.FcosConfig;
import org.cassl.training.pipeline.WarmupMode;

/**
 * What the demo runs: data sizes, model, schedules and seeds. {@link #quick()} fits in about 15
 * minutes on 2 CPU cores; {@link #full()} in about an hour.
 *
 * @param name           "quick" or "full"
 * @param labeled        labeled training images
 * @param unlabeled      unlabeled images
 * @param val            validation images
 * @param imageSize      image side in pixels
 * @param dataSeed       seed of the generated dataset
 * @param seeds          training seeds (results are averaged over them)
 * @param stageIters     iterations of the baseline/teacher and of the fine-tune
 * @param warmupIters    iterations of the warmup
 * @param batch          images per step
 * @param lr             base learning rate
 * @param tau            pseudo-label threshold
 * @param warmups        warmup modes (class-agnostic is CA-SSL)
 * @param ablationSeeds  how many of the seeds (the first ones) also run the class-aware ablation
 * @param evalPoints     evaluations per labeled-stage run (for the AP curves)
 * @param model          the detector
 */
public record DemoPlan(String name, int labeled, int unlabeled, int val, int imageSize, long dataSeed, List<Long> seeds,
                       long stageIters, long warmupIters, int batch, double lr, double tau, List<WarmupMode> warmups,
                       int ablationSeeds, int evalPoints, FcosConfig model) {

    /** ResNet-18 FCOS with a narrow pyramid at the image size, trainable BatchNorm (no pretrained backbone). */
    static FcosConfig demoModel(int imageSize, FcosConfig.MaskHead maskHead) {
        return FcosConfig.parse("{\"backbone\": \"resnet18\", \"fpn_channels\": 64, \"num_classes\": 7, \"min_size\": "
                + imageSize + ", \"max_size\": " + imageSize + ", \"score_thresh\": 0.05, \"frozen_bn\": false, "
                + "\"trainable_backbone_layers\": 5, \"mask_head\": \"" + maskHead.jsonName() + "\"}");
    }

    public static DemoPlan quick() {
        return new DemoPlan("quick", 200, 1200, 200, 128, 2024, List.of(0L), 240, 560, 8, 0.03, 0.3,
                List.of(WarmupMode.CLASS_AGNOSTIC), 0, 2, demoModel(128, FcosConfig.MaskHead.NONE));
    }

    public static DemoPlan full() {
        return new DemoPlan("full", 200, 1200, 200, 128, 2024, List.of(0L, 1L, 2L), 300, 600, 8, 0.03, 0.3,
                List.of(WarmupMode.CLASS_AGNOSTIC, WarmupMode.CLASS_AWARE), 1, 3, demoModel(128, FcosConfig.MaskHead.NONE));
    }

    /** The warmups run for the {@code index}-th seed: the ablation only on the first {@link #ablationSeeds}. */
    public List<WarmupMode> warmupsForSeed(int index) {
        if (index < ablationSeeds) {
            return warmups;
        }
        return warmups.stream().filter(w -> w == WarmupMode.CLASS_AGNOSTIC).toList();
    }

    /** This plan with another segmentation head on the demo model (box AP is reported either way). */
    public DemoPlan withMaskHead(FcosConfig.MaskHead maskHead) {
        return new DemoPlan(name, labeled, unlabeled, val, imageSize, dataSeed, seeds, stageIters, warmupIters, batch, lr, tau,
                warmups, ablationSeeds, evalPoints, demoModel(imageSize, maskHead));
    }

    /** This plan with other training seeds (the demo's --seed picks the first). */
    public DemoPlan withFirstSeed(long seed) {
        List<Long> s = new java.util.ArrayList<>();
        for (int i = 0; i < seeds.size(); i++) {
            s.add(seed + i);
        }
        return new DemoPlan(name, labeled, unlabeled, val, imageSize, dataSeed, List.copyOf(s), stageIters, warmupIters,
                batch, lr, tau, warmups, ablationSeeds, evalPoints, model);
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
