package org.cassl.kernels.crosscheck;

import java.util.ArrayList;
import java.util.List;
import org.cassl.detection.kernels.CpuDetectionKernels;
import org.cassl.detection.kernels.DetectionKernels;
import org.cassl.kernels.CudaBackend;
import org.cassl.kernels.detection.CudaDetectionKernels;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.cpu.CpuBackend;

/**
 * RoIAlign forward/backward, NMS and FCOS target assignment: {@link CudaDetectionKernels} on the GPU
 * backend against the CPU reference {@link DetectionKernels#cpu()}.
 */
final class DetectionCases {
    private DetectionCases() {
    }

    /** Random boxes (x1, y1, x2, y2) inside [0, w] x [0, h], sizes between lo and hi. */
    static Tensor boxes(Ctx c, int n, double w, double h, double lo, double hi) {
        double[] v = new double[n * 4];
        for (int i = 0; i < n; i++) {
            double bw = lo + (hi - lo) * c.rng.nextDouble();
            double bh = lo + (hi - lo) * c.rng.nextDouble();
            double x = c.rng.nextDouble() * Math.max(1, w - bw);
            double y = c.rng.nextDouble() * Math.max(1, h - bh);
            v[4 * i] = x;
            v[4 * i + 1] = y;
            v[4 * i + 2] = x + bw;
            v[4 * i + 3] = y + bh;
        }
        return Tensor.of(v, n, 4);
    }

    /**
     * The detection kernels of the case's second backend: CUDA (real or emulated), or a CPU
     * backend (the scalar-CPU run of the suite) on its own threads.
     */
    static DetectionKernels gpu(Ctx c) {
        if (c.gpu instanceof CudaBackend cuda) {
            return new CudaDetectionKernels(cuda);
        }
        if (c.gpu instanceof CpuBackend cpu) {
            return new CpuDetectionKernels(cpu);
        }
        return DetectionKernels.forDevice(c.device);
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        out.add(new Case("detection", "roi_align forward and backward", c -> {
            for (DType t : new DType[] {DType.F32, DType.F64}) {
                for (boolean aligned : new boolean[] {false, true}) {
                    for (int sampling : new int[] {0, 2}) {
                        int r = 17;
                        Tensor b = boxes(c, r, 60, 40, 0.5, 50).sub(5);  // some boxes stick out of the map
                        Tensor idx = c.randint(0, 2, r, 1).to(DType.F64);
                        Ctx.Pair rois = c.pair(Tensor.cat(List.of(idx, b), 1).to(t));
                        Ctx.Pair x = c.pair(c.random(t, 2, 3, 20, 30));
                        Ctx.Pair y = c.zeros(t, r, 3, 7, 5);
                        DetectionKernels.cpu().roiAlign(x.cpu(), rois.cpu(), 0.5, sampling, aligned, y.cpu());
                        gpu(c).roiAlign(x.gpu(), rois.gpu(), 0.5, sampling, aligned, y.gpu());
                        String what = t + " aligned=" + aligned + " sampling=" + sampling;
                        double tol = t == DType.F32 ? 1e-5 : 1e-12;
                        c.close("roi_align " + what, y.cpu(), y.gpu(), tol, tol);
                        Ctx.Pair gy = c.pair(c.random(t, r, 3, 7, 5));
                        Ctx.Pair gx = c.zeros(t, 2, 3, 20, 30);
                        DetectionKernels.cpu().roiAlignBackward(gy.cpu(), rois.cpu(), 0.5, sampling, aligned, gx.cpu());
                        gpu(c).roiAlignBackward(gy.gpu(), rois.gpu(), 0.5, sampling, aligned, gx.gpu());
                        c.close("roi_align backward " + what, gx.cpu(), gx.gpu(), tol * 10, tol * 10);
                    }
                }
            }
        }));
        out.add(new Case("detection", "nms (bitmask kernel) against the CPU", c -> {
            for (DType t : new DType[] {DType.F32, DType.F64}) {
                for (int n : new int[] {1, 64, 65, 500, 3000}) {
                    for (double thr : new double[] {0.3, 0.5, 0.7}) {
                        Ctx.Pair b = c.pair(boxes(c, n, 400, 300, 5, 120).to(t));
                        // distinct scores: the order of equal scores is unspecified (fcos.md §5)
                        double[] s = new double[n];
                        for (int i = 0; i < n; i++) {
                            s[i] = (i + c.rng.nextDouble() * 0.5) / n;
                        }
                        Ctx.Pair sc = c.pair(Tensor.of(shuffled(s, c.rng), n).to(t));
                        c.exact("nms " + t + " n=" + n + " thr=" + thr, DetectionKernels.cpu().nms(b.cpu(), sc.cpu(), thr),
                                gpu(c).nms(b.gpu(), sc.gpu(), thr));
                    }
                }
            }
        }));
        out.add(new Case("detection", "fcos target assignment, one 800x1344 image", c -> {
            for (DType t : new DType[] {DType.F32, DType.F64}) {
                FcosPoints pts = FcosPoints.forImage(800, 1344);
                for (int g : new int[] {0, 1, 50}) {
                    Ctx.Pair centers = c.pair(pts.centers().to(t));
                    Ctx.Pair sizes = c.pair(pts.sizes().to(t));
                    Ctx.Pair lower = c.pair(pts.lower().to(t));
                    Ctx.Pair upper = c.pair(pts.upper().to(t));
                    Ctx.Pair gt = c.pair(boxes(c, g, 1344, 800, 8, 700).to(t));
                    Ctx.Pair m = c.zeros(DType.I64, pts.count());
                    DetectionKernels.cpu().fcosAssign(centers.cpu(), sizes.cpu(), lower.cpu(), upper.cpu(), gt.cpu(), 1.5, m.cpu());
                    gpu(c).fcosAssign(centers.gpu(), sizes.gpu(), lower.gpu(), upper.gpu(), gt.gpu(), 1.5, m.gpu());
                    c.exact("fcos_assign " + t + " G=" + g, m.cpu(), m.gpu());
                }
            }
        }));
        return out;
    }

    private static double[] shuffled(double[] s, java.util.Random r) {
        double[] v = s.clone();
        for (int i = v.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double tmp = v[i];
            v[i] = v[j];
            v[j] = tmp;
        }
        return v;
    }
}
