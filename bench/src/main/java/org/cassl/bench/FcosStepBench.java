package org.cassl.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.Target;
import org.cassl.detection.fcos.Fcos;
import org.cassl.nn.optim.ParamGroups;
import org.cassl.nn.optim.Sgd;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Device;
import org.cassl.tensor.Generator;
import org.cassl.tensor.MemoryScope;
import org.cassl.tensor.Tensor;

/**
 * One FCOS training step (forward, the losses, backward, SGD or AdamW update) on random images with a few
 * boxes each, ResNet from scratch with BatchNorm and every layer trainable. The peer is
 * torchvision's FCOS built the same way (same boxes, same sizes, same thread count).
 *
 * <p>With a mask head ({@code roi} or {@code condinst}) the targets also carry one synthetic mask
 * per box ({@link StepTargets#withMasks}) and the step adds {@code loss_mask}; torchvision has no
 * FCOS mask head, so there is no peer: the same run times our box-only step (same images, boxes
 * and weights seed) in alternation with the mask step ({@link Timing#measurePaired}, so that the
 * other processes' load falls on both alike) and reports the mask step's ratio to it. A model at its start
 * has no detection above the score threshold, so the RoI head's training RoIs are the
 * ground-truth boxes: {@code boxes} per image sets their number.
 */
public final class FcosStepBench {
    /** Warm-up of each measured model lasts at least this long (C2 compiles the kernels meanwhile). */
    static final double MIN_WARMUP_SECONDS = 5.0;
    /** Methods listed by {@code --profile}. */
    static final int TOP_METHODS = 15;

    private FcosStepBench() {
    }

    /**
     * What one step trains on.
     *
     * @param size     the images' height and the model's {@code min_size}
     * @param maxSize  the images' width and the model's {@code max_size} (torchvision's real setting:
     *                 800 x 1333); at least {@code size}, and equal to it with a mask head
     * @param boxes    ground-truth boxes per image (the peer's 4 by default), inside the top-left
     *                 {@code size x size} square
     * @param maskHead the segmentation head trained with the detector ({@code NONE}: boxes only)
     * @param optimizer {@code sgd} (momentum 0.9, weight decay 1e-4, lr 0.001) or {@code adamw}
     *                  (PyTorch's betas, weight decay 0.05, lr 0.001: the demo's optimizer)
     */
    public record Setup(String backbone, int batch, int size, int maxSize, int fpnChannels, int numClasses, int boxes,
                        FcosConfig.MaskHead maskHead, String optimizer) {
        public Setup {
            if (batch < 1 || size < 32 || boxes < 1) {
                throw new IllegalArgumentException("fcos-step bench: batch and boxes must be positive and size >= 32, got B="
                        + batch + " S=" + size + " boxes=" + boxes);
            }
            if (maxSize < size) {
                throw new IllegalArgumentException("fcos-step bench: max size must be at least the size, got S=" + size
                        + " M=" + maxSize);
            }
            if (maxSize != size && maskHead != FcosConfig.MaskHead.NONE) {
                throw new IllegalArgumentException("fcos-step bench: a mask head needs square images (max size = size), got S="
                        + size + " M=" + maxSize);
            }
            if (!optimizer.equals("sgd") && !optimizer.equals("adamw")) {
                throw new IllegalArgumentException("fcos-step bench: optimizer must be sgd or adamw, got " + optimizer);
            }
        }

        /** Square images ({@code maxSize == size}). */
        public Setup(String backbone, int batch, int size, int fpnChannels, int numClasses, int boxes,
                     FcosConfig.MaskHead maskHead, String optimizer) {
            this(backbone, batch, size, size, fpnChannels, numClasses, boxes, maskHead, optimizer);
        }

        /** Square images, with SGD. */
        public Setup(String backbone, int batch, int size, int fpnChannels, int numClasses, int boxes,
                     FcosConfig.MaskHead maskHead) {
            this(backbone, batch, size, fpnChannels, numClasses, boxes, maskHead, "sgd");
        }

        /** The peer's setup: four boxes per image, no mask head, SGD. */
        public Setup(String backbone, int batch, int size, int fpnChannels, int numClasses) {
            this(backbone, batch, size, fpnChannels, numClasses, StepTargets.BOXES, FcosConfig.MaskHead.NONE);
        }

        Setup boxOnly() {
            return new Setup(backbone, batch, size, maxSize, fpnChannels, numClasses, boxes, FcosConfig.MaskHead.NONE,
                    optimizer);
        }

        FcosConfig config() {
            return FcosConfig.parse("{\"backbone\": \"" + backbone + "\", \"fpn_channels\": " + fpnChannels
                    + ", \"num_classes\": " + numClasses + ", \"min_size\": " + size + ", \"max_size\": " + maxSize
                    + ", \"frozen_bn\": false, \"trainable_backbone_layers\": 5, \"mask_head\": \""
                    + maskHead.jsonName() + "\"}");
        }

        Target target(int i) {
            return maskHead == FcosConfig.MaskHead.NONE ? StepTargets.boxes(i, boxes, size, numClasses)
                    : StepTargets.withMasks(i, boxes, size, numClasses);
        }

        String shape() {
            return backbone + " FPN" + fpnChannels + " B" + batch + " " + size + "x" + maxSize
                    + (boxes == StepTargets.BOXES ? "" : " " + boxes + " boxes")
                    + (maskHead == FcosConfig.MaskHead.NONE ? "" : " mask " + maskHead.jsonName())
                    + (optimizer.equals("sgd") ? "" : " " + optimizer);
        }
    }

    public static Result run(String backbone, int batch, int size, int fpnChannels, int numClasses, int threads, int warmup,
                             int reps, boolean peer) {
        return run(backbone, batch, size, fpnChannels, numClasses, threads, warmup, reps, peer, false);
    }

    public static Result run(String backbone, int batch, int size, int fpnChannels, int numClasses, int threads, int warmup,
                             int reps, boolean peer, boolean profile) {
        return run(new Setup(backbone, batch, size, fpnChannels, numClasses), threads, warmup, reps, peer, profile);
    }

    /**
     * The benchmark; with {@code profile}, the result's extra fields also give the median time per
     * phase (forward+losses, backward, optimizer) and the cassl methods with the largest share of
     * JFR execution samples over the timed steps (with a mask head: over {@code reps} further mask
     * steps after the timed ones). With a mask head the extra fields also hold {@code mask_head},
     * {@code box_only_median_ms}, {@code ratio_to_box_only} (mask step median over box-only
     * median) and, with {@code profile}, the box-only step's phases; the peer is not run.
     */
    public static Result run(Setup setup, int threads, int warmup, int reps, boolean peer, boolean profile) {
        return run(setup, threads, warmup, reps, peer, profile, MIN_WARMUP_SECONDS);
    }

    /** {@link #run(Setup, int, int, int, boolean, boolean)} with another minimum warm-up per measured model (tests use 0). */
    static Result run(Setup setup, int threads, int warmup, int reps, boolean peer, boolean profile, double minWarmupSeconds) {
        if (threads < 1) {
            throw new IllegalArgumentException("fcos-step bench: threads must be positive, got " + threads);
        }
        Backends.setCpuThreads(threads);
        Map<String, Object> extra = new LinkedHashMap<>();
        if (setup.maskHead() == FcosConfig.MaskHead.NONE) {
            StepRunner step = new StepRunner(setup);
            double[][] measured = new double[1][];
            Runnable timed = () -> measured[0] = Timing.measure(step, warmup, minWarmupSeconds, reps);
            if (profile) {
                Map<String, Double> methods = StepProfile.sampleMethods(timed, TOP_METHODS);
                extra.put("phases_median_ms", step.phases().phaseMillis(reps));
                extra.put("top_methods_pct", methods);
            } else {
                timed.run();
            }
            return withPeer(setup, threads, reps, measured[0], extra, peer);
        }
        StepRunner boxStep = new StepRunner(setup.boxOnly());
        StepRunner maskStep = new StepRunner(setup);
        double[][] both = Timing.measurePaired(boxStep, maskStep, warmup, minWarmupSeconds, reps);
        double[] box = both[0];
        double[] times = both[1];
        double median = Timing.median(times);
        double boxMedian = Timing.median(box);
        extra.put("mask_head", setup.maskHead().jsonName());
        extra.put("box_only_median_ms", boxMedian);
        extra.put("box_only_min_ms", box[0]);
        extra.put("ratio_to_box_only", median / boxMedian);
        if (profile) {
            extra.put("box_only_phases_median_ms", boxStep.phases().phaseMillis(reps));
            extra.put("phases_median_ms", maskStep.phases().phaseMillis(reps));
            // JFR over further mask steps only, after the paired timing
            extra.put("top_methods_pct", StepProfile.sampleMethods(() -> {
                for (int i = 0; i < reps; i++) {
                    maskStep.run();
                }
            }, TOP_METHODS));
        }
        return new Result("fcos_step_mask", setup.shape(), threads, reps, median, times[0], Double.NaN, null, null, null,
                "torchvision has no FCOS mask head; ratio_to_box_only is ours", extra);
    }

    private static Result withPeer(Setup s, int threads, int reps, double[] times, Map<String, Object> extra, boolean peer) {
        double median = Timing.median(times);
        // before the peer starts: VmHWM is this process's own high-water mark, heap included
        extra.put("peak_rss_mb", DetectMemoryBench.peakRssMiB());
        extra.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0));
        if (!peer) {
            return new Result("fcos_step", s.shape(), threads, reps, median, times[0], Double.NaN, null, null, null,
                    "not requested", extra);
        }
        PythonPeer.Outcome o = PythonPeer.run("fcos_peer.py", threads, List.of("--mode", "step", "--backbone", s.backbone(),
                "--batch", Integer.toString(s.batch()), "--size", Integer.toString(s.size()), "--max-size",
                Integer.toString(s.maxSize()), "--threads",
                Integer.toString(threads), "--fpn-channels", Integer.toString(s.fpnChannels()), "--num-classes",
                Integer.toString(s.numClasses()), "--boxes", Integer.toString(s.boxes()), "--optimizer", s.optimizer(),
                "--reps", Integer.toString(reps)));
        if (o.medianMs() != null) {
            extra.put("peer_peak_rss_mb", o.number("peak_rss_mb"));
        }
        return new Result("fcos_step", s.shape(), threads, reps, median, times[0], Double.NaN, o.library(), o.medianMs(),
                null, o.error(), extra);
    }
}
