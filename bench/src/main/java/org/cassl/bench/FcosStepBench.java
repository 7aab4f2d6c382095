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
 * One FCOS training step (forward, the losses, backward, SGD update) on random images with four
 * boxes each, ResNet from scratch with BatchNorm and every layer trainable. The peer is
 * torchvision's FCOS built the same way (same boxes, same sizes, same thread count).
 *
 * <p>With a mask head ({@code roi} or {@code condinst}) the targets also carry one synthetic mask
 * per box ({@link StepTargets#withMasks}) and the step adds {@code loss_mask}; torchvision has no
 * FCOS mask head, so there is no peer: the same run measures our box-only step first (same
 * images, boxes and weights seed) and reports the mask step's ratio to it.
 */
public final class FcosStepBench {
    /** Warm-up of each measured model lasts at least this long (C2 compiles the kernels meanwhile). */
    static final double MIN_WARMUP_SECONDS = 5.0;

    private FcosStepBench() {
    }

    static FcosConfig config(String backbone, int size, int fpnChannels, int numClasses) {
        return config(backbone, size, fpnChannels, numClasses, FcosConfig.MaskHead.NONE);
    }

    static FcosConfig config(String backbone, int size, int fpnChannels, int numClasses, FcosConfig.MaskHead maskHead) {
        return FcosConfig.parse("{\"backbone\": \"" + backbone + "\", \"fpn_channels\": " + fpnChannels
                + ", \"num_classes\": " + numClasses + ", \"min_size\": " + size + ", \"max_size\": " + size
                + ", \"frozen_bn\": false, \"trainable_backbone_layers\": 5, \"mask_head\": \"" + maskHead.jsonName()
                + "\"}");
    }

    /** The same four boxes per image as the peer script. */
    static Target target(int i, int size, int numClasses) {
        return StepTargets.boxes(i, size, numClasses);
    }

    public static Result run(String backbone, int batch, int size, int fpnChannels, int numClasses, int threads, int warmup,
                             int reps, boolean peer) {
        return run(backbone, batch, size, fpnChannels, numClasses, threads, warmup, reps, peer, false);
    }

    public static Result run(String backbone, int batch, int size, int fpnChannels, int numClasses, int threads, int warmup,
                             int reps, boolean peer, boolean profile) {
        return run(backbone, batch, size, fpnChannels, numClasses, threads, warmup, reps, peer, profile,
                FcosConfig.MaskHead.NONE);
    }

    /**
     * The benchmark; with {@code profile}, the result's extra fields also give the mean time per
     * phase (forward+losses, backward, optimizer) and the cassl methods with the largest share of
     * JFR execution samples over the timed steps (of the mask-head step when there is one). With a
     * mask head the extra fields also hold {@code mask_head}, {@code box_only_median_ms} and
     * {@code ratio_to_box_only} (mask step median over box-only median; the peer is not run).
     */
    public static Result run(String backbone, int batch, int size, int fpnChannels, int numClasses, int threads, int warmup,
                             int reps, boolean peer, boolean profile, FcosConfig.MaskHead maskHead) {
        return run(backbone, batch, size, fpnChannels, numClasses, threads, warmup, reps, peer, profile, maskHead,
                MIN_WARMUP_SECONDS);
    }

    /** {@link #run} with another minimum warm-up time per measured model (tests use 0). */
    static Result run(String backbone, int batch, int size, int fpnChannels, int numClasses, int threads, int warmup,
                      int reps, boolean peer, boolean profile, FcosConfig.MaskHead maskHead, double minWarmupSeconds) {
        if (batch < 1 || size < 32 || threads < 1) {
            throw new IllegalArgumentException("fcos-step bench: batch and threads must be positive and size >= 32, got B="
                    + batch + " S=" + size + " threads=" + threads);
        }
        Backends.setCpuThreads(threads);
        String shape = backbone + " FPN" + fpnChannels + " B" + batch + " " + size + "x" + size;
        Map<String, Object> extra = new LinkedHashMap<>();
        if (maskHead == FcosConfig.MaskHead.NONE) {
            double[] times = measure(config(backbone, size, fpnChannels, numClasses), batch, size, numClasses, warmup,
                    reps, minWarmupSeconds, profile, extra);
            return withPeer(shape, threads, reps, times, extra, peer, backbone, batch, size, fpnChannels, numClasses);
        }
        double[] box = measure(config(backbone, size, fpnChannels, numClasses), batch, size, numClasses, warmup, reps,
                minWarmupSeconds, false, new LinkedHashMap<>());
        Map<String, Object> maskExtra = new LinkedHashMap<>();
        double[] times = measure(config(backbone, size, fpnChannels, numClasses, maskHead), batch, size, numClasses,
                warmup, reps, minWarmupSeconds, profile, maskExtra);
        double median = Timing.median(times);
        double boxMedian = Timing.median(box);
        extra.put("mask_head", maskHead.jsonName());
        extra.put("box_only_median_ms", boxMedian);
        extra.put("box_only_min_ms", box[0]);
        extra.put("ratio_to_box_only", median / boxMedian);
        extra.putAll(maskExtra);
        return new Result("fcos_step_mask", shape + " mask " + maskHead.jsonName(), threads, reps, median, times[0],
                Double.NaN, null, null, null, "torchvision has no FCOS mask head; ratio_to_box_only is ours", extra);
    }

    private static Result withPeer(String shape, int threads, int reps, double[] times, Map<String, Object> extra,
                                   boolean peer, String backbone, int batch, int size, int fpnChannels, int numClasses) {
        double median = Timing.median(times);
        if (!peer) {
            return new Result("fcos_step", shape, threads, reps, median, times[0], Double.NaN, null, null, null,
                    "not requested", extra);
        }
        PythonPeer.Outcome o = PythonPeer.run("fcos_peer.py", threads, List.of("--mode", "step", "--backbone", backbone, "--batch",
                Integer.toString(batch), "--size", Integer.toString(size), "--threads", Integer.toString(threads),
                "--fpn-channels", Integer.toString(fpnChannels), "--num-classes", Integer.toString(numClasses), "--reps",
                Integer.toString(reps)));
        return new Result("fcos_step", shape, threads, reps, median, times[0], Double.NaN, o.library(), o.medianMs(), null,
                o.error(), extra);
    }

    /** Sorted step times in ms of a fresh model of {@code config}; profile fields go into {@code extra}. */
    private static double[] measure(FcosConfig config, int batch, int size, int numClasses, int warmup, int reps,
                                    double minWarmupSeconds, boolean profile, Map<String, Object> extra) {
        Fcos model = new Fcos(config, new Generator(0));
        model.train(true);
        Sgd opt = new Sgd(ParamGroups.single(model, 0.001, 1e-4), 0.9, 0, false);
        Generator g = new Generator(1);
        boolean masks = model.hasMaskHead();
        List<Tensor> images = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            images.add(Tensor.rand(g, 3, size, size));
            targets.add(masks ? StepTargets.withMasks(i, size, numClasses) : StepTargets.boxes(i, size, numClasses));
        }
        StepProfile phases = new StepProfile();
        Runnable step = () -> {
            // one recycling scope per step, keeping what the trainer keeps: the next step reuses
            // this step's activation arrays instead of allocating (and garbage-collecting) them
            try (MemoryScope scope = MemoryScope.openRecycling(Device.CPU)) {
                long t0 = System.nanoTime();
                opt.zeroGrad();
                Map<String, Variable> losses = model.losses(images, targets, null);
                Variable total = null;
                for (Variable v : losses.values()) {
                    total = total == null ? v : total.add(v);
                }
                long t1 = System.nanoTime();
                total.backward();
                long t2 = System.nanoTime();
                opt.step();
                long t3 = System.nanoTime();
                scope.keepAll(model.stateDict().values());
                scope.keepAll(opt.persistentTensors());
                phases.add("forward", t1 - t0);
                phases.add("backward", t2 - t1);
                phases.add("optimizer", t3 - t2);
                phases.endStep();
            }
        };
        double[][] measured = new double[1][];
        if (profile) {
            Map<String, Double> methods = StepProfile.sampleMethods(
                    () -> measured[0] = Timing.measure(step, warmup, minWarmupSeconds, reps), 15);
            extra.put("phases_median_ms", phases.phaseMillis(reps));
            extra.put("top_methods_pct", methods);
        } else {
            measured[0] = Timing.measure(step, warmup, minWarmupSeconds, reps);
        }
        return measured[0];
    }
}
