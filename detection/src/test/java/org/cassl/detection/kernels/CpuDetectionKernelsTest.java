package org.cassl.detection.kernels;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.cassl.tensor.testing.TensorAssert.assertEqual;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.cassl.detection.ops.RoiAlign;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.IndexOutOfRangeException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.cpu.CpuBackend;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** RoIAlign, NMS and FCOS assignment: torchvision goldens, naive references, adjointness, edge cases. */
class CpuDetectionKernelsTest {
    private static final CpuBackend THREE = new CpuBackend(3);
    private static final CpuBackend SINGLE = new CpuBackend(1);
    private static final DetectionKernels BE = new CpuDetectionKernels(THREE);
    private static final DetectionKernels ONE = new CpuDetectionKernels(SINGLE);

    @AfterAll
    static void close() {
        THREE.close();
        SINGLE.close();
    }

    // ---- RoIAlign ---------------------------------------------------------------------------

    @Test
    void roiAlignMatchesTorchvisionForwardAndBackward() {
        for (Golden.Case c : Golden.load("cpu_roi_align").cases()) {
            int[] size = c.intsParam("output_size");
            double scale = c.doubleParam("spatial_scale");
            int ratio = c.intParam("sampling_ratio");
            boolean aligned = c.boolParam("aligned", false);
            Tensor x = c.get("x");
            Tensor rois = c.get("rois");
            Tensor out = RoiAlign.forward(x, rois, size[0], size[1], scale, ratio, aligned);
            assertClose(c.get("out"), out, 1e-6, 1e-7, c + " out");
            Tensor gx = RoiAlign.backward(c.get("grad_out"), rois, x.shape(), scale, ratio, aligned);
            assertClose(c.get("grad_x"), gx, 1e-6, 1e-7, c + " grad");
        }
    }

    private static Tensor randomRois(Generator g, int n, int batches, double extent, DType dt) {
        double[] v = new double[n * 5];
        for (int i = 0; i < n; i++) {
            double x1 = g.nextDouble() * extent * 1.4 - extent * 0.2;
            double y1 = g.nextDouble() * extent * 1.4 - extent * 0.2;
            v[i * 5] = g.nextInt(batches);
            v[i * 5 + 1] = x1;
            v[i * 5 + 2] = y1;
            // some RoIs are degenerate or inverted: aligned mode keeps their negative size
            v[i * 5 + 3] = x1 + g.nextDouble() * extent * 0.8 - (i % 7 == 0 ? extent * 0.1 : 0);
            v[i * 5 + 4] = y1 + g.nextDouble() * extent * 0.8;
        }
        return Tensor.of(v, n, 5).to(dt);
    }

    @Test
    void roiAlignBackwardIsTheAdjointAndThreadsAgree() {
        Generator g = new Generator(41);
        for (int trial = 0; trial < 8; trial++) {
            boolean aligned = trial % 2 == 0;
            int ratio = trial % 3 == 0 ? 0 : trial % 3;
            Tensor x = Tensor.normal(g, 0, 1, DType.F64, 2, 3, 9, 11);
            Tensor rois = randomRois(g, 6, 2, 11, DType.F64);
            Tensor y = RoiAlign.forward(x, rois, 3, 2, 0.8, ratio, aligned);
            Tensor up = Tensor.normal(g, 0, 1, DType.F64, y.shape());
            Tensor gx = RoiAlign.backward(up, rois, x.shape(), 0.8, ratio, aligned);
            double lhs = y.mul(up).sum().item();
            double rhs = x.mul(gx).sum().item();
            assertEquals(lhs, rhs, 1e-9 * (1 + Math.abs(lhs)), "adjoint trial " + trial);

            // float32, strided input, 1 vs 3 threads
            Tensor x32 = x.to(DType.F32).permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
            Tensor r32 = rois.to(DType.F32);
            Tensor a = Tensor.zeros(DType.F32, 6, 3, 3, 2);
            Tensor b = Tensor.zeros(DType.F32, 6, 3, 3, 2);
            BE.roiAlign(x32, r32, 0.8, ratio, aligned, a);
            ONE.roiAlign(x32.contiguous(), r32, 0.8, ratio, aligned, b);
            assertEqual(b, a, "threads/strides forward");
            assertClose(y, a, 1e-5, 1e-5, "f32 vs f64");
            Tensor ga = Tensor.zeros(DType.F32, 2, 3, 9, 11);
            Tensor gb = Tensor.zeros(DType.F32, 2, 3, 9, 11);
            BE.roiAlignBackward(up.to(DType.F32).transpose(2, 3).contiguous().transpose(2, 3), r32, 0.8, ratio, aligned, ga);
            ONE.roiAlignBackward(up.to(DType.F32), r32, 0.8, ratio, aligned, gb);
            assertEqual(gb, ga, "threads/strides backward");
        }
    }

    @Test
    void roiAlignOfAConstantMapIsThatConstantInsideAndRejectsBadBatchIndex() {
        Tensor x = Tensor.full(2.5, DType.F32, 1, 2, 8, 8);
        Tensor rois = Tensor.of(new float[] {0, 1, 1, 6, 6, 0, 2.5f, 0.5f, 3, 7}, 2, 5);
        Tensor out = RoiAlign.forward(x, rois, 4, 3, 1.0, 0, true);
        assertClose(Tensor.full(2.5, DType.F32, 2, 2, 4, 3), out, 1e-6, 0, "constant");
        IndexOutOfRangeException e = assertThrows(IndexOutOfRangeException.class,
                () -> RoiAlign.forward(x, Tensor.of(new float[] {1, 0, 0, 2, 2}, 1, 5), 2, 2, 1, 0, false));
        assertTrue(e.getMessage().contains("roi_align") && e.getMessage().contains("[0, 1)"), e.getMessage());
        assertArrayEquals(new int[] {0, 2, 2, 2}, RoiAlign.forward(x, Tensor.zeros(0, 5), 2, 2, 1, 0, false).shape());
    }

    // ---- NMS ----------------------------------------------------------------------------------

    /** torchvision's quadratic loop, written independently in float or double arithmetic. */
    static long[] naiveNms(double[] b, double[] s, double thr, boolean f32) {
        int n = s.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> Double.compare(s[q] + 0.0, s[p] + 0.0));   // stable, descending
        boolean[] sup = new boolean[n];
        long[] keep = new long[n];
        int k = 0;
        for (int a = 0; a < n; a++) {
            int i = order[a];
            if (sup[i]) {
                continue;
            }
            keep[k++] = i;
            for (int c = a + 1; c < n; c++) {
                int j = order[c];
                if (sup[j]) {
                    continue;
                }
                double ovr;
                if (f32) {
                    float ai = ((float) b[4 * i + 2] - (float) b[4 * i]) * ((float) b[4 * i + 3] - (float) b[4 * i + 1]);
                    float aj = ((float) b[4 * j + 2] - (float) b[4 * j]) * ((float) b[4 * j + 3] - (float) b[4 * j + 1]);
                    float w = Math.max(0f, Math.min((float) b[4 * i + 2], (float) b[4 * j + 2])
                            - Math.max((float) b[4 * i], (float) b[4 * j]));
                    float h = Math.max(0f, Math.min((float) b[4 * i + 3], (float) b[4 * j + 3])
                            - Math.max((float) b[4 * i + 1], (float) b[4 * j + 1]));
                    float inter = w * h;
                    ovr = inter / (ai + aj - inter);
                } else {
                    double ai = (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]);
                    double aj = (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]);
                    double w = Math.max(0, Math.min(b[4 * i + 2], b[4 * j + 2]) - Math.max(b[4 * i], b[4 * j]));
                    double h = Math.max(0, Math.min(b[4 * i + 3], b[4 * j + 3]) - Math.max(b[4 * i + 1], b[4 * j + 1]));
                    double inter = w * h;
                    ovr = inter / (ai + aj - inter);
                }
                if (ovr > thr) {
                    sup[j] = true;
                }
            }
        }
        return Arrays.copyOf(keep, k);
    }

    private static double[] randomBoxes(Generator g, int n, int style) {
        double[] b = new double[4 * n];
        for (int i = 0; i < n; i++) {
            double x;
            double y;
            double w;
            double h;
            switch (style) {
                case 0:   // uniform, moderate sizes
                    x = g.nextDouble() * 200;
                    y = g.nextDouble() * 200;
                    w = 1 + g.nextDouble() * 40;
                    h = 1 + g.nextDouble() * 40;
                    break;
                case 1:   // a few tight clusters of near-duplicates
                    x = 50 * g.nextInt(4) + g.nextGaussian() * 2;
                    y = 50 * g.nextInt(3) + g.nextGaussian() * 2;
                    w = 20 + g.nextGaussian();
                    h = 20 + g.nextGaussian();
                    break;
                case 2:   // mixed scales: tiny, huge, thin, degenerate and inverted boxes
                    x = g.nextDouble() * 500;
                    y = g.nextDouble() * 500;
                    int kind = g.nextInt(5);
                    w = kind == 0 ? 600 * g.nextDouble() : kind == 1 ? 0.01 : kind == 2 ? 300 : kind == 3 ? 0 : -5;
                    h = kind == 2 ? 1 : kind == 0 ? 600 * g.nextDouble() : 5 + g.nextDouble() * 20;
                    break;
                default:  // integer grid: exact ties in coordinates and IoU values
                    x = g.nextInt(10) * 4;
                    y = g.nextInt(10) * 4;
                    w = 4 + 4 * g.nextInt(3);
                    h = 4 + 4 * g.nextInt(3);
                    break;
            }
            b[4 * i] = x;
            b[4 * i + 1] = y;
            b[4 * i + 2] = x + w;
            b[4 * i + 3] = y + h;
        }
        return b;
    }

    @Test
    void nmsMatchesTheQuadraticReferenceOnManyDistributions() {
        Generator g = new Generator(42);
        double[] thresholds = {0.5, 0.0, 0.3, 0.7, 1.0, -0.1};
        for (int trial = 0; trial < 48; trial++) {
            int style = trial % 4;
            int n = trial % 5 == 0 ? 1500 : 1 + g.nextInt(300);
            double thr = thresholds[trial % thresholds.length];
            boolean f32 = trial % 3 != 2;
            double[] b = randomBoxes(g, n, style);
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = trial % 2 == 0 ? g.nextInt(5) / 4.0 : g.nextDouble();   // many ties in half the trials
            }
            DType dt = f32 ? DType.F32 : DType.F64;
            Tensor boxes = Tensor.of(b, n, 4).to(dt);
            Tensor scores = Tensor.of(s, n).to(dt);
            if (trial % 4 == 1) {
                boxes = boxes.t().contiguous().t();   // strided [N,4]
            }
            long[] expect = naiveNms(boxes.toDoubleArray(), scores.toDoubleArray(), thr, f32);
            long[] got = BE.nms(boxes, scores, thr).toLongArray();
            assertArrayEquals(expect, got, "trial " + trial + " style " + style + " n=" + n + " thr=" + thr + " " + dt);
        }
    }

    @Test
    void nmsThresholdsNextToExactIouValues() {
        // integer boxes give IoUs of exactly 0.5, 1/3, 0.25 ...; thresholds one double ulp away
        // decide differently, also where the float32 path compares in float
        Generator g = new Generator(44);
        double[] b = randomBoxes(g, 2000, 3);
        double[] s = new double[2000];
        for (int i = 0; i < s.length; i++) {
            s[i] = g.nextDouble();
        }
        for (double t : new double[] {0.5, Math.nextDown(0.5), Math.nextUp(0.5), 1 / 3.0, Math.nextUp(1 / 3.0), 0.25,
                Math.nextDown(0.25)}) {
            for (DType dt : new DType[] {DType.F32, DType.F64}) {
                Tensor boxes = Tensor.of(b, 2000, 4).to(dt);
                Tensor scores = Tensor.of(s, 2000).to(dt);
                assertArrayEquals(naiveNms(b, s, t, dt == DType.F32), BE.nms(boxes, scores, t).toLongArray(),
                        "threshold " + t + " " + dt);
            }
        }
    }

    @Test
    void nmsMatchesTorchvision() {
        for (Golden.Case c : Golden.load("cpu_nms").cases()) {
            Tensor keep = BE.nms(c.get("boxes"), c.get("scores"), c.doubleParam("iou_threshold"));
            assertEqual(c.get("keep"), keep, c.name());
        }
    }

    @Test
    void nmsEdgeCases() {
        assertArrayEquals(new int[] {0}, BE.nms(Tensor.zeros(0, 4), Tensor.zeros(0), 0.5).shape());
        Tensor boxes = Tensor.of(new float[] {0, 0, 10, 10, 0, 0, 10, 10, 20, 20, 30, 30}, 3, 4);
        // identical boxes with equal scores: the lower index survives
        assertArrayEquals(new long[] {0, 2}, BE.nms(boxes, Tensor.of(new float[] {1, 1, 1}, 3), 0.5).toLongArray());
        // IoU exactly equal to the threshold is not suppressed
        Tensor half = Tensor.of(new float[] {0, 0, 10, 10, 0, 0, 10, 5}, 2, 4);
        assertArrayEquals(new long[] {0, 1}, BE.nms(half, Tensor.of(new float[] {2, 1}, 2), 0.5).toLongArray());
        assertArrayEquals(new long[] {0}, BE.nms(half, Tensor.of(new float[] {2, 1}, 2), 0.49).toLongArray());
        // a NaN score sorts first; a box with a NaN coordinate has a NaN area, so it neither
        // suppresses nor is suppressed (the quadratic path)
        Tensor nanBoxes = Tensor.of(new float[] {0, 0, 10, 10, Float.NaN, 0, 10, 10, 1, 1, 10, 10}, 3, 4);
        assertArrayEquals(new long[] {2, 1},
                BE.nms(nanBoxes, Tensor.of(new float[] {1, 3, Float.NaN}, 3), 0.5).toLongArray());
        assertArrayEquals(new long[] {1, 0, 2}, BE.nms(boxes, Tensor.of(new float[] {1, 2, 0}, 3), Double.NaN).toLongArray());
    }

    // ---- FCOS assignment ----------------------------------------------------------------------

    @Test
    void fcosAssignMatchesTorchvision() {
        for (Golden.Case c : Golden.load("cpu_fcos_assign").cases()) {
            Tensor centers = c.get("centers");
            Tensor matched = Tensor.zeros(DType.I64, centers.size(0));
            BE.fcosAssign(centers, c.get("anchor_sizes"), c.get("lower"), c.get("upper"), c.get("gt_boxes"),
                    c.doubleParam("radius"), matched);
            assertEqual(c.get("matched"), matched, c.name());
            long positives = Arrays.stream(matched.toLongArray()).filter(v -> v >= 0).count();
            assertTrue(positives > 10, c + ": the golden should have positives, has " + positives);
        }
    }

    /** Literal float64 translation of the torchvision matching, for comparison on random input. */
    private static long[] naiveAssign(double[] ctr, double[] size, double[] lo, double[] hi, double[] gt, double radius) {
        int p = size.length;
        int n = gt.length / 4;
        long[] r = new long[p];
        for (int i = 0; i < p; i++) {
            double best = Double.NEGATIVE_INFINITY;
            int arg = 0;
            for (int j = 0; j < n; j++) {
                double cx = (gt[4 * j] + gt[4 * j + 2]) / 2;
                double cy = (gt[4 * j + 1] + gt[4 * j + 3]) / 2;
                double x = ctr[2 * i];
                double y = ctr[2 * i + 1];
                boolean m = Math.max(Math.abs(x - cx), Math.abs(y - cy)) < radius * size[i];
                double[] d = {x - gt[4 * j], y - gt[4 * j + 1], gt[4 * j + 2] - x, gt[4 * j + 3] - y};
                m &= Arrays.stream(d).min().getAsDouble() > 0;
                double far = Arrays.stream(d).max().getAsDouble();
                m &= far > lo[i] && far < hi[i];
                double area = (gt[4 * j + 2] - gt[4 * j]) * (gt[4 * j + 3] - gt[4 * j + 1]);
                double v = m ? 1e8 - area : 0;
                if (v > best) {
                    best = v;
                    arg = j;
                }
            }
            r[i] = n == 0 || best < 1e-5 ? -1 : arg;
        }
        return r;
    }

    @Test
    void fcosAssignMatchesLiteralReferenceInFloat64() {
        Generator g = new Generator(43);
        for (int trial = 0; trial < 6; trial++) {
            int p = 500 + g.nextInt(500);
            int n = trial == 0 ? 0 : 1 + g.nextInt(30);
            double[] ctr = new double[2 * p];
            double[] size = new double[p];
            double[] lo = new double[p];
            double[] hi = new double[p];
            for (int i = 0; i < p; i++) {
                ctr[2 * i] = g.nextInt(64) * 4;
                ctr[2 * i + 1] = g.nextInt(64) * 4;
                size[i] = 8 << g.nextInt(3);
                lo[i] = size[i] == 8 ? 0 : size[i] * 4;
                hi[i] = size[i] == 32 ? Double.POSITIVE_INFINITY : size[i] * 8;
            }
            double[] gt = new double[4 * n];
            for (int j = 0; j < n; j++) {
                double x = g.nextInt(200);
                double y = g.nextInt(200);
                gt[4 * j] = x;
                gt[4 * j + 1] = y;
                gt[4 * j + 2] = x + 4 + g.nextInt(20) * 8;   // integer sizes: many equal areas
                gt[4 * j + 3] = y + 4 + g.nextInt(20) * 8;
            }
            Tensor matched = Tensor.zeros(DType.I64, p);
            Tensor centers = Tensor.of(ctr, p, 2).t().contiguous().t();   // strided
            BE.fcosAssign(centers, Tensor.of(size, p), Tensor.of(lo, p), Tensor.of(hi, p), Tensor.of(gt, n, 4), 1.5,
                    matched);
            assertArrayEquals(naiveAssign(ctr, size, lo, hi, gt, 1.5), matched.toLongArray(), "trial " + trial);
        }
    }
}
