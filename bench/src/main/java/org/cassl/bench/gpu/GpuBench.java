package org.cassl.bench.gpu;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.Target;
import org.cassl.detection.fcos.Fcos;
import org.cassl.detection.kernels.DetectionKernels;
import org.cassl.nn.optim.ParamGroups;
import org.cassl.nn.optim.Sgd;
import org.cassl.tensor.Generator;
import org.cassl.kernels.CudaBackend;
import org.cassl.kernels.CudaInfo;
import org.cassl.tensor.MemoryScope;
import org.cassl.kernels.ops.GemmCall;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.Tensor;

/**
 * Times the CUDA backend's headline kernels on the GPU machine (device time from CUDA events,
 * median of several runs after warm-up) and writes one JSON line per benchmark to
 * {@code DIR/cassl-bench.jsonl}; bench/gpu-check.sh runs the PyTorch peer on the same shapes and
 * prints the table. Usage: {@code GpuBench DIR [quick] [--only NAME,...]} with NAME among
 * {@code gemm} (FP32 and, on sm_80+, TF32), {@code conv} (forward, and backward: input and weight
 * gradients), {@code nms} (10k and 100k boxes), {@code fcos_assign} (16 images x 800x1344 points x 50
 * boxes) and {@code fcos_step} (a ResNet-50 FCOS training step, batch 8 at 800x1333); all by default.
 * Lines are appended to the JSONL file, so the script can run each group in its own JVM under its own
 * timeout.
 */
public final class GpuBench {
    private final CudaBackend be;
    private final Device dev = Device.cuda(0);
    private final List<String> json = new ArrayList<>();
    private final int iters;

    private GpuBench(CudaBackend be, int iters) {
        this.be = be;
        this.iters = iters;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        boolean quick = false;
        List<String> only = List.of("gemm", "conv", "nms", "fcos_assign", "fcos_step");
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("quick")) {
                quick = true;
            } else if (args[i].equals("--only") && i + 1 < args.length) {
                only = Arrays.asList(args[++i].split(","));
            }
        }
        Files.createDirectories(dir);
        CudaInfo.lines().forEach(System.out::println);
        CudaBackend be = (CudaBackend) Backends.forDevice(Device.cuda(0));
        GpuBench b = new GpuBench(be, quick ? 3 : 10);
        Path jsonl = dir.resolve("cassl-bench.jsonl");
        try {
            for (String name : only) {
                try (MemoryScope scope = be.openScope()) {
                    switch (name) {
                        case "gemm" -> {
                            b.gemm(4096, "f32");
                            if (be.properties().sm() >= 80) {
                                b.gemm(4096, "tf32");
                            }
                        }
                        case "conv" -> b.conv();
                        case "nms" -> {
                            b.nms(10_000);
                            b.nms(100_000);
                        }
                        case "fcos_assign" -> b.fcos(16);
                        case "fcos_step" -> b.fcosStep(8, quick ? 2 : 5);
                        default -> throw new IllegalArgumentException("unknown benchmark " + name);
                    }
                }
                // on disk as each group ends: a later group that hangs or dies loses nothing
                Files.write(jsonl, b.json, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                b.json.clear();
            }
        } finally {
            System.out.println("allocator: " + be.memoryStats());
        }
    }

    /** Median device milliseconds of {@code body} over {@link #iters} runs after two warm-ups. */
    private double time(Runnable body) {
        body.run();
        body.run();
        be.synchronize();
        double[] ms = new double[iters];
        for (int i = 0; i < iters; i++) {
            ms[i] = be.timeMillis(body);
        }
        Arrays.sort(ms);
        return ms[iters / 2];
    }

    private void record(String name, String shape, double ms, double flops) {
        String line = String.format(Locale.ROOT, "{\"impl\":\"cassl\",\"name\":\"%s\",\"shape\":\"%s\",\"median_ms\":%.4f%s}",
                name, shape, ms, flops > 0 ? String.format(Locale.ROOT, ",\"tflops\":%.2f", flops / ms / 1e9) : "");
        json.add(line);
        System.out.println(line);
    }

    private Tensor uniform(BenchData d, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return Tensor.of(d.uniform(n), shape).sub(0.5).to(dev);
    }

    void gemm(int n, String kernel) {
        BenchData d = new BenchData(1);
        Tensor a = uniform(d, 1, n, n);
        Tensor b = uniform(d, 1, n, n);
        Tensor c = Tensor.zeros(DType.F32, dev, 1, n, n);
        GemmCall g = GemmCall.of(a, b, c);
        double ms = time(() -> be.gemm().runOwn(g, kernel));
        record("gemm_" + kernel, n + "x" + n + "x" + n, ms, 2.0 * n * n * n);
    }

    /** The FCOS head's 3x3 256->256 convolution on P3 of a batch of four 800x1344 images. */
    void conv() {
        BenchData d = new BenchData(2);
        Tensor x = uniform(d, 4, 256, 100, 168);
        Tensor w = uniform(d, 256, 256, 3, 3).mul(0.05);
        Tensor bias = uniform(d, 256);
        Tensor out = Tensor.zeros(DType.F32, dev, 4, 256, 100, 168);
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        double flops = 2.0 * 4 * 256 * 100 * 168 * 256 * 9;
        double ms = time(() -> be.conv2d(x, w, bias, p, out));
        record("conv3x3_fcos_head", "4x256x100x168 k256", ms, flops);
        Tensor gy = uniform(d, 4, 256, 100, 168);
        Tensor gx = Tensor.zeros(DType.F32, dev, 4, 256, 100, 168);
        Tensor gw = Tensor.zeros(DType.F32, dev, 256, 256, 3, 3);
        ms = time(() -> {
            be.conv2dBackwardInput(gy, w, p, gx);
            be.conv2dBackwardWeight(gy, x, p, gw);
        });
        record("conv3x3_fcos_head_bwd", "4x256x100x168 k256 dx+dw", ms, 2 * flops);
    }

    /**
     * One FCOS ResNet-50 training step (torchvision's fcos_resnet50_fpn: frozen batch norm, three
     * trainable backbone stages, 256 FPN channels, 91 classes): forward, losses, backward and an SGD
     * step on {@code batch} random 800x1333 images with 5 boxes each; median wall time of
     * {@code reps} steps after one warm-up, each in its own memory scope.
     */
    void fcosStep(int batch, int reps) {
        FcosConfig cfg = FcosConfig.parse("{\"backbone\":\"resnet50\",\"fpn_channels\":256,\"num_classes\":91,"
                + "\"min_size\":[800],\"max_size\":1333,\"frozen_bn\":true,\"trainable_backbone_layers\":3}");
        Fcos model = new Fcos(cfg, new Generator(0));
        model.to(dev);
        Sgd sgd = new Sgd(ParamGroups.single(model, 0.001, 1e-4), 0.9, 0, false);
        BenchData d = new BenchData(5);
        List<Tensor> images = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            images.add(Tensor.of(d.uniform(3 * 800 * 1333), 3, 800, 1333).to(dev));
            long[] labels = new long[5];
            for (int k = 0; k < 5; k++) {
                labels[k] = 1 + (i * 5 + k) % 90;
            }
            targets.add(new Target(Tensor.of(d.boxes(5, 1333, 800, 32, 600), 5, 4).to(dev), Tensor.of(labels, 5).to(dev)));
        }
        Runnable step = () -> {
            try (MemoryScope s = be.openScope()) {
                sgd.zeroGrad();
                Map<String, Variable> losses = model.losses(images, targets, new Generator(1));
                Variable total = null;
                for (Variable v : losses.values()) {
                    total = total == null ? v : total.add(v);
                }
                total.backward();
                sgd.step();
                s.keepAll(model.stateDict().values());
                s.keepAll(sgd.persistentTensors());
            }
        };
        step.run();
        be.synchronize();
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            step.run();
            be.synchronize();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        record("fcos_r50_step", batch + "x3x800x1333 train step", ms[reps / 2], 0);
    }

    void nms(int n) {
        BenchData d = new BenchData(3);
        Tensor boxes = Tensor.of(d.boxes(n, 1333, 800, 8, 200), n, 4).to(dev);
        Tensor scores = Tensor.of(d.uniform(n), n).to(dev);
        int[] kept = new int[1];
        double ms = time(() -> kept[0] = DetectionKernels.forDevice(Device.cuda(0)).nms(boxes, scores, 0.5).numel());
        record("nms_" + n / 1000 + "k", n + " boxes iou 0.5 (kept " + kept[0] + ")", ms, 0);
    }

    /** Target assignment for {@code images} 800x1344 images, all FPN points, 50 boxes each (one call per image). */
    void fcos(int images) {
        float[][] pts = BenchData.fcosPoints(800, 1344);
        int p = pts[1].length;
        Tensor centers = Tensor.of(pts[0], p, 2).to(dev);
        Tensor sizes = Tensor.of(pts[1], p).to(dev);
        Tensor lower = Tensor.of(pts[2], p).to(dev);
        Tensor upper = Tensor.of(pts[3], p).to(dev);
        BenchData d = new BenchData(4);
        List<Tensor> gts = new ArrayList<>();
        List<Tensor> outs = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            gts.add(Tensor.of(d.boxes(50, 1344, 800, 8, 700), 50, 4).to(dev));
            outs.add(Tensor.zeros(DType.I64, dev, p));
        }
        double ms = time(() -> {
            for (int i = 0; i < images; i++) {
                DetectionKernels.forDevice(Device.cuda(0)).fcosAssign(centers, sizes, lower, upper, gts.get(i), 1.5, outs.get(i));
            }
        });
        record("fcos_assign", images + " images x " + p + " points x 50 boxes", ms, 0);
    }
}
