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
 * One FCOS training step (forward, the three losses, backward, SGD update) on random images with
 * four boxes each, ResNet from scratch with BatchNorm and every layer trainable. The peer is
 * torchvision's FCOS built the same way (same boxes, same sizes, same thread count).
 */
public final class FcosStepBench {
    private FcosStepBench() {
    }

    static FcosConfig config(String backbone, int size, int fpnChannels, int numClasses) {
        return FcosConfig.parse("{\"backbone\": \"" + backbone + "\", \"fpn_channels\": " + fpnChannels
                + ", \"num_classes\": " + numClasses + ", \"min_size\": " + size + ", \"max_size\": " + size
                + ", \"frozen_bn\": false, \"trainable_backbone_layers\": 5}");
    }

    /** The same four boxes per image as the peer script. */
    static Target target(int i, int size, int numClasses) {
        float[] b = new float[16];
        long[] l = new long[4];
        for (int k = 0; k < 4; k++) {
            int x = 8 + (37 * (i + 1) * (k + 3)) % (size / 2);
            int y = 8 + (53 * (i + 2) * (k + 1)) % (size / 2);
            int w = 16 + (29 * (k + 1) * (i + 1)) % (size / 3);
            b[4 * k] = x;
            b[4 * k + 1] = y;
            b[4 * k + 2] = x + w;
            b[4 * k + 3] = y + w;
            l[k] = 1 + (i + k) % (numClasses - 1);
        }
        return new Target(Tensor.of(b, 4, 4), Tensor.of(l, 4));
    }

    public static Result run(String backbone, int batch, int size, int fpnChannels, int numClasses, int threads, int warmup,
                             int reps, boolean peer) {
        return run(backbone, batch, size, fpnChannels, numClasses, threads, warmup, reps, peer, false);
    }

    /**
     * The benchmark; with {@code profile}, the result's extra fields also give the mean time per
     * phase (forward+losses, backward, optimizer) and the cassl methods with the largest share of
     * JFR execution samples over the timed steps.
     */
    public static Result run(String backbone, int batch, int size, int fpnChannels, int numClasses, int threads, int warmup,
                             int reps, boolean peer, boolean profile) {
        if (batch < 1 || size < 32 || threads < 1) {
            throw new IllegalArgumentException("fcos-step bench: batch and threads must be positive and size >= 32, got B="
                    + batch + " S=" + size + " threads=" + threads);
        }
        Backends.setCpuThreads(threads);
        Fcos model = new Fcos(config(backbone, size, fpnChannels, numClasses), new Generator(0));
        model.train(true);
        Sgd opt = new Sgd(ParamGroups.single(model, 0.001, 1e-4), 0.9, 0, false);
        Generator g = new Generator(1);
        List<Tensor> images = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            images.add(Tensor.rand(g, 3, size, size));
            targets.add(target(i, size, numClasses));
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
        Map<String, Object> extra = new LinkedHashMap<>();
        if (profile) {
            Map<String, Double> methods = StepProfile.sampleMethods(
                    () -> measured[0] = Timing.measure(step, warmup, 5.0, reps), 15);
            extra.put("phases_median_ms", phases.phaseMillis(reps));
            extra.put("top_methods_pct", methods);
        } else {
            measured[0] = Timing.measure(step, warmup, 5.0, reps);
        }
        double[] times = measured[0];
        double median = Timing.median(times);
        String shape = backbone + " FPN" + fpnChannels + " B" + batch + " " + size + "x" + size;
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
}
