package org.cassl.bench.gpu;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.cassl.detection.kernels.DetectionKernels;
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
 * prints the table. Usage: {@code GpuBench DIR [quick]}.
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
        boolean quick = args.length > 1 && args[1].equals("quick");
        Files.createDirectories(dir);
        CudaInfo.lines().forEach(System.out::println);
        CudaBackend be = (CudaBackend) Backends.forDevice(Device.cuda(0));
        GpuBench b = new GpuBench(be, quick ? 3 : 10);
        try (MemoryScope scope = be.openScope()) {
            b.gemm(4096, "f32");
            if (be.properties().sm() >= 80) {
                b.gemm(4096, "tf32");
            }
            b.conv();
            b.nms(10_000);
            b.nms(100_000);
            b.fcos(16);
        }
        System.out.println("allocator: " + be.memoryStats());
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(dir.resolve("cassl-bench.jsonl")))) {
            b.json.forEach(w::println);
        }
        b.json.forEach(System.out::println);
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
        double ms = time(() -> be.conv2d(x, w, bias, p, out));
        record("conv3x3_fcos_head", "4x256x100x168 k256", ms, 2.0 * 4 * 256 * 100 * 168 * 256 * 9);
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
