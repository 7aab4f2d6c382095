package org.cassl.bench.gpu;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.detection.Detections;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.Target;
import org.cassl.detection.fcos.Fcos;
import org.cassl.kernels.CudaBackend;
import org.cassl.kernels.CudaBackendProvider;
import org.cassl.nn.Parameter;
import org.cassl.nn.optim.ParamGroups;
import org.cassl.nn.optim.Sgd;
import org.cassl.tensor.Backend;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Device;
import org.cassl.tensor.Generator;
import org.cassl.tensor.MemoryScope;
import org.cassl.tensor.Tensor;

/**
 * Whole-model check of the CUDA backend: one FCOS training step (forward, the three losses, backward,
 * an SGD step with momentum) and {@code detect}, on the CPU and on {@code cuda:0} from the same random
 * weights and the same synthetic batch, compared within tolerances. On the GPU machine it runs on the
 * device; with {@code --emulate} the CUDA backend runs over the kernel emulator
 * ({@code org.cassl.kernels.emu.EmulatedRuntime}, in the kernels test jar, found by reflection) and is
 * installed as {@code cuda:0}'s backend, so the Tensor API, the modules and the detection kernels all
 * take the CUDA path.
 * <pre>
 *   FcosStepCheck [DIR] [--emulate]      exit 0: every check passed; 1: one failed; 2: no device
 * </pre>
 * Prints one {@code PASS|FAIL name ...} line per check, the last line a tally; writes
 * {@code DIR/fcos-step.txt}.
 *
 * <p>The model is the smallest FCOS that still uses every op of a real one: ResNet-18 (convolutions,
 * batch norm in training mode, max pooling, residual adds), an FPN of 32 channels (the smallest GroupNorm(32) allows) with P6/P7 (nearest
 * upsampling, strided convolutions), the head's GroupNorm towers, the FCOS assignment kernel, focal,
 * GIoU and centerness losses; detection adds the sigmoid scores, top-k, box decoding, batched NMS on
 * the device and the resize back to the input size. Two images of 32x40 and 28x36 pixels (padded into
 * one 32x64 batch: P5 is 1x2, P6 and P7 1x1).
 *
 * <p>Tolerances (float32 on both sides; the CPU and CUDA kernels sum in different orders, cuda's
 * reductions in double, and atomics make accumulation order vary): losses within relative 1e-4;
 * every gradient and every updated weight within a relative L2 error of 2e-3 of its CPU value
 * (what a few ulps per op compound to through 18 layers and batch norm's division by small batch
 * variances; measured errors are printed), norms below a thousandth of the largest of their kind
 * being measured against that floor (see {@code compareTensors}); detections: the same number, scores within 1e-4 and each
 * of the top 20 boxes within 1e-2 pixels of the CPU's box at the same rank.
 */
public final class FcosStepCheck {
    static final double LOSS_RTOL = 1e-4;
    static final double GRAD_REL_L2 = 2e-3;
    static final double SCORE_ATOL = 1e-4;
    static final double BOX_ATOL = 1e-2;
    static final double NORM_FLOOR = 1e-3;

    private final List<String> lines = new ArrayList<>();
    private int passed;
    private int failed;

    /** The outcome: per-check lines and counts. */
    public record Result(List<String> lines, int passed, int failed) {
        public boolean ok() {
            return failed == 0 && passed > 0;
        }
    }

    private FcosStepCheck() {
    }

    /**
     * Entry point for {@code bench/gpu-check.sh}.
     *
     * @param args {@code [DIR] [--emulate]}
     * @throws IOException when the report cannot be written
     */
    public static void main(String[] args) throws IOException {
        boolean emulate = false;
        Path dir = Path.of(".");
        for (String a : args) {
            if (a.equals("--emulate")) {
                emulate = true;
            } else {
                dir = Path.of(a);
            }
        }
        Backend gpu;
        CudaBackend own = null;
        if (emulate) {
            try {
                own = emulatedBackend();
            } catch (ReflectiveOperationException | RuntimeException e) {
                System.out.println("FAIL fcos-step not run: kernel emulation unavailable: " + e);
                System.exit(2);
                return;
            }
            gpu = own;
        } else {
            CudaBackendProvider provider = new CudaBackendProvider();
            if (!provider.isAvailable()) {
                System.out.println("FAIL fcos-step not run: " + provider.unavailableReason());
                System.exit(2);
                return;
            }
            gpu = Backends.forDevice(Device.cuda(0));
        }
        Result r;
        try {
            r = run(gpu);
        } finally {
            if (own != null) {
                Backends.uninstall(own);
                own.close();
            }
        }
        Files.createDirectories(dir);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(dir.resolve("fcos-step.txt"), StandardCharsets.UTF_8))) {
            r.lines().forEach(w::println);
        }
        System.exit(r.ok() ? 0 : 1);
    }

    /**
     * The CUDA backend over the kernel emulator (sm_75, 2 SMs), installed as {@code cuda:0}'s backend.
     * Needs the kernels test jar on the class path and {@code -Dcassl.kernels.dir}.
     */
    public static CudaBackend emulatedBackend() throws ReflectiveOperationException {
        Class<?> c = Class.forName("org.cassl.kernels.emu.EmulatedRuntime");
        String why = (String) c.getMethod("unavailableReason").invoke(null);
        if (why != null) {
            throw new IllegalStateException(why);
        }
        Object rt = c.getConstructor(int.class, int.class).newInstance(75, 2);
        CudaBackend b = new CudaBackend((org.cassl.kernels.runtime.DeviceRuntime) rt, null);
        Backends.install(b);
        return b;
    }

    /** The model config of the check. */
    public static FcosConfig config() {
        return FcosConfig.parse("{\"backbone\":\"resnet18\",\"fpn_channels\":32,\"num_classes\":3,\"min_size\":[32],"
                + "\"max_size\":48,\"score_thresh\":0.0,\"detections_per_img\":50,\"topk_candidates\":200,"
                + "\"frozen_bn\":false}");
    }

    /**
     * Runs the checks: CPU against {@code gpu} (which must be what {@code Backends.forDevice} returns
     * for its device).
     */
    public static Result run(Backend gpu) {
        FcosStepCheck c = new FcosStepCheck();
        c.check(gpu.device());
        return new Result(List.copyOf(c.lines), c.passed, c.failed);
    }

    private void emit(boolean ok, String line) {
        String s = (ok ? "PASS " : "FAIL ") + line;
        lines.add(s);
        System.out.println(s);
        if (ok) {
            passed++;
        } else {
            failed++;
        }
    }

    private void check(Device dev) {
        long t0 = System.nanoTime();
        FcosConfig cfg = config();
        Fcos cpuModel = new Fcos(cfg, new Generator(7));
        Fcos gpuModel = new Fcos(cfg, new Generator(7));
        gpuModel.to(dev);
        List<Tensor> images = images();
        List<Target> targets = targets();
        List<Tensor> gpuImages = new ArrayList<>();
        images.forEach(t -> gpuImages.add(t.to(dev)));
        List<Target> gpuTargets = new ArrayList<>();
        targets.forEach(t -> gpuTargets.add(new Target(t.boxes().to(dev), t.labels().to(dev))));

        Map<String, Double> cpuLoss = step(cpuModel, images, targets);
        long t1 = System.nanoTime();
        Map<String, Double> gpuLoss;
        try (MemoryScope scope = MemoryScope.open(dev)) {
            gpuLoss = step(gpuModel, gpuImages, gpuTargets);
            scope.keepAll(gpuModel.stateDict().values());
            for (Parameter p : gpuModel.parameters()) {
                if (p.grad() != null) {
                    scope.keep(p.grad());
                }
            }
        }
        long t2 = System.nanoTime();
        for (Map.Entry<String, Double> e : cpuLoss.entrySet()) {
            double a = gpuLoss.getOrDefault(e.getKey(), Double.NaN);
            double x = e.getValue();
            double rel = Math.abs(a - x) / Math.max(Math.abs(x), 1e-6);
            emit(rel <= LOSS_RTOL, String.format(Locale.ROOT, "%s: cpu %.7f cuda %.7f (rel err %.2e, tol %.0e)", e.getKey(),
                    x, a, rel, LOSS_RTOL));
        }
        compareTensors("gradient", gradients(cpuModel), gradients(gpuModel));
        compareTensors("updated weight", floatState(cpuModel), floatState(gpuModel));

        cpuModel.eval();
        gpuModel.eval();
        List<Detections> cd = cpuModel.detect(images, 0.0);
        List<Detections> gd;
        try (MemoryScope scope = MemoryScope.open(dev)) {
            gd = new ArrayList<>();
            for (Detections d : gpuModel.detect(gpuImages, 0.0)) {
                gd.add(new Detections(d.boxes().to(Device.CPU), d.scores().to(Device.CPU), d.labels().to(Device.CPU)));
            }
        }
        long t3 = System.nanoTime();
        for (int i = 0; i < cd.size(); i++) {
            compareDetections(i, cd.get(i), gd.get(i));
        }
        String tally = String.format(Locale.ROOT,
                "fcos-step: %d passed, %d failed (ResNet-18 FPN 32, 2 images 32x40/28x36 on %s; cpu step %.1f s, cuda step %.1f s, "
                        + "detect both %.1f s)", passed, failed, dev, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
        lines.add(tally);
        System.out.println(tally);
    }

    /** Forward, losses, backward and one SGD step (lr 0.01, momentum 0.9, weight decay 1e-4). */
    private static Map<String, Double> step(Fcos model, List<Tensor> images, List<Target> targets) {
        model.train(true);
        Sgd sgd = new Sgd(ParamGroups.splitDecay(model, 0.01, 1e-4, 0.0), 0.9, 0, false);
        sgd.zeroGrad();
        Map<String, Variable> losses = model.losses(images, targets, new Generator(3));
        Map<String, Double> values = new LinkedHashMap<>();
        Variable total = null;
        for (Map.Entry<String, Variable> e : losses.entrySet()) {
            values.put(e.getKey(), e.getValue().item());
            total = total == null ? e.getValue() : total.add(e.getValue());
        }
        total.backward();
        sgd.step();
        return values;
    }

    private static Map<String, Tensor> gradients(Fcos m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.namedParameters().forEach((k, p) -> {
            if (p.grad() != null) {
                out.put(k, p.grad());
            }
        });
        return out;
    }

    private static Map<String, Tensor> floatState(Fcos m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.stateDict().forEach((k, t) -> {
            if (t.dtype().isFloatingPoint()) {
                out.put(k, t);
            }
        });
        return out;
    }

    /**
     * One line per kind: the worst error over all tensors, and a line per tensor over the tolerance.
     * The error of a tensor is ||cuda - cpu|| / max(||cpu||, FLOOR * largest ||cpu|| of the kind): a
     * tensor whose norm is below a thousandth of the largest one is measured against that floor, since
     * its values are rounding noise of the others (the conv biases in front of GroupNorm with one
     * channel per group have a gradient that is exactly zero in exact arithmetic, about 1e-9 here).
     */
    private void compareTensors(String what, Map<String, Tensor> cpu, Map<String, Tensor> gpu) {
        if (!cpu.keySet().equals(gpu.keySet())) {
            emit(false, what + "s: different tensors on the two backends: cpu " + cpu.size() + ", cuda " + gpu.size());
            return;
        }
        Map<String, double[]> norms = new LinkedHashMap<>();
        double largest = 0;
        for (Map.Entry<String, Tensor> e : cpu.entrySet()) {
            double[] x = e.getValue().toDoubleArray();
            double[] y = gpu.get(e.getKey()).to(Device.CPU).toDoubleArray();
            double num = 0;
            double den = 0;
            boolean nan = x.length != y.length;
            for (int i = 0; i < x.length && !nan; i++) {
                if (!Double.isFinite(y[i])) {
                    nan = true;
                }
                num += (x[i] - y[i]) * (x[i] - y[i]);
                den += x[i] * x[i];
            }
            norms.put(e.getKey(), new double[] {nan ? Double.POSITIVE_INFINITY : Math.sqrt(num), Math.sqrt(den)});
            largest = Math.max(largest, Math.sqrt(den));
        }
        double floor = NORM_FLOOR * largest;
        double worst = 0;
        String worstName = "";
        int bad = 0;
        for (Map.Entry<String, double[]> e : norms.entrySet()) {
            double diff = e.getValue()[0];
            double norm = e.getValue()[1];
            double rel = diff == 0 ? 0 : diff / Math.max(norm, floor);
            if (!(rel <= worst)) {
                worst = rel;
                worstName = e.getKey();
            }
            if (!(rel <= GRAD_REL_L2)) {
                bad++;
                if (bad <= 10) {
                    emit(false, String.format(Locale.ROOT, "%s %s: rel L2 err %.2e (tol %.0e), |cpu| %.3e |diff| %.3e", what,
                            e.getKey(), rel, GRAD_REL_L2, norm, diff));
                }
            }
        }
        emit(bad == 0, String.format(Locale.ROOT, "%ss: %d tensors, worst rel L2 err %.2e (%s), %d over tol %.0e (floor %.1e)",
                what, cpu.size(), worst, worstName, bad, GRAD_REL_L2, floor));
    }

    private void compareDetections(int image, Detections c, Detections g) {
        String name = "detect image " + image;
        if (c.size() != g.size()) {
            emit(false, name + ": cpu " + c.size() + " detections, cuda " + g.size());
            return;
        }
        double[] cs = c.scores().toDoubleArray();
        double[] gs = g.scores().toDoubleArray();
        double[] cb = c.boxes().toDoubleArray();
        double[] gb = g.boxes().toDoubleArray();
        double scoreErr = 0;
        for (int i = 0; i < cs.length; i++) {
            scoreErr = Math.max(scoreErr, Math.abs(cs[i] - gs[i]));
        }
        double boxErr = 0;
        int top = Math.min(20, cs.length);
        for (int i = 0; i < 4 * top; i++) {
            boxErr = Math.max(boxErr, Math.abs(cb[i] - gb[i]));
        }
        emit(scoreErr <= SCORE_ATOL && boxErr <= BOX_ATOL && c.size() > 0, String.format(Locale.ROOT,
                "%s: %d detections, max score err %.2e (tol %.0e), top-%d max box err %.2e px (tol %.0e)", name, c.size(),
                scoreErr, SCORE_ATOL, top, boxErr, BOX_ATOL));
    }

    /** Two images (32x40 and 28x36) with bright rectangles where the targets are. */
    static List<Tensor> images() {
        Generator g = new Generator(11);
        List<Tensor> out = new ArrayList<>();
        int[][] sizes = {{32, 40}, {28, 36}};
        List<Target> ts = targets();
        for (int n = 0; n < 2; n++) {
            int h = sizes[n][0];
            int w = sizes[n][1];
            float[] v = new float[3 * h * w];
            double[] b = ts.get(n).boxes().toDoubleArray();
            Tensor noise = Tensor.rand(g, 3, h, w);
            double[] nz = noise.toDoubleArray();
            for (int ch = 0; ch < 3; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double val = 0.2 * nz[(ch * h + y) * w + x];
                        for (int k = 0; k < b.length / 4; k++) {
                            if (x >= b[4 * k] && x < b[4 * k + 2] && y >= b[4 * k + 1] && y < b[4 * k + 3]) {
                                val += 0.3 * (k + 1 + ch * 0.1);
                            }
                        }
                        v[(ch * h + y) * w + x] = (float) Math.min(1, val);
                    }
                }
            }
            out.add(Tensor.of(v, 3, h, w));
        }
        return out;
    }

    static List<Target> targets() {
        return List.of(new Target(Tensor.of(new float[] {4, 5, 20, 25, 22, 2, 38, 15}, 2, 4), Tensor.of(new long[] {1, 2}, 2)),
                new Target(Tensor.of(new float[] {10, 6, 30, 22}, 1, 4), Tensor.of(new long[] {2}, 1)));
    }
}
