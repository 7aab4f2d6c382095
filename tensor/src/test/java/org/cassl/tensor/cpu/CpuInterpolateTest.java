package org.cassl.tensor.cpu;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.cassl.tensor.testing.TensorAssert.assertEqual;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.InterpolationMode;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Nearest/bilinear resize and its adjoint: torch goldens, an independent float64 reference, adjointness. */
class CpuInterpolateTest {
    private static final CpuBackend BE = new CpuBackend(3);
    private static final CpuBackend ONE = new CpuBackend(1);

    @AfterAll
    static void close() {
        BE.close();
        ONE.close();
    }

    private static double[] doubles(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        double[] r = new double[n.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = n.get(i).asDouble();
        }
        return r;
    }

    @Test
    void matchesTorchForwardAndBackward() {
        for (Golden.Case c : Golden.load("cpu_interpolate").cases()) {
            Tensor x = c.get("x");
            InterpolationMode mode = c.stringParam("mode").equals("nearest") ? InterpolationMode.NEAREST
                    : InterpolationMode.BILINEAR;
            boolean ac = c.boolParam("align_corners", false);
            JsonNode size = c.params().get("size");
            int[] sz = size == null || size.isNull() ? null : c.intsParam("size");
            NnOps.InterpolationPlan plan = NnOps.plan(x.size(2), x.size(3), sz, doubles(c.params().get("scale")),
                    c.boolParam("recompute", false));
            Tensor out = NnOps.interpolate(x, plan, mode, ac);
            if (mode == InterpolationMode.NEAREST) {
                assertEqual(c.get("out"), out, c + " out");
            } else {
                // ~2 ulp: PyTorch's build may contract multiply-adds into FMAs
                assertClose(c.get("out"), out, 2.5e-7, 1e-7, c + " out");
            }
            Tensor gx = NnOps.interpolateBackward(c.get("grad_out"), plan, mode, ac, x.shape());
            assertClose(c.get("grad_x"), gx, 2.5e-7, 2e-7, c + " grad");
        }
    }

    /** Independent float64 source-index rules, written from the PyTorch formulas. */
    private static double[][] taps(InterpolationMode mode, int in, int out, boolean ac, double scale) {
        double[][] t = new double[out][4];   // i0, i1, w0, w1
        for (int o = 0; o < out; o++) {
            if (mode == InterpolationMode.NEAREST) {
                float s = scale > 0 ? (float) (1 / scale) : (float) in / out;
                int i = out == in ? o : out == 2 * in ? o / 2 : Math.min((int) Math.floor(o * s), in - 1);
                t[o] = new double[] {i, i, 1, 0};
                continue;
            }
            double src;
            if (out == in) {
                src = o;
            } else if (ac) {
                src = out > 1 ? o * (in - 1.0) / (out - 1.0) : 0;
            } else {
                double s = scale > 0 ? 1 / scale : (double) in / out;
                src = Math.max(s * (o + 0.5) - 0.5, 0);
            }
            int i0 = (int) Math.floor(src);
            int i1 = Math.min(i0 + 1, in - 1);
            double l = src - i0;
            t[o] = new double[] {i0, i1, 1 - l, l};
        }
        return t;
    }

    private static Tensor reference(Tensor x, InterpolationMode mode, boolean ac, double sh, double sw, int oh, int ow) {
        int n = x.size(0);
        int c = x.size(1);
        int h = x.size(2);
        int w = x.size(3);
        double[] xv = x.toDoubleArray();
        double[][] th = taps(mode, h, oh, ac, sh);
        double[][] tw = taps(mode, w, ow, ac, sw);
        double[] out = new double[n * c * oh * ow];
        for (int p = 0; p < n * c; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double v = 0;
                    for (int a = 0; a < 2; a++) {
                        for (int b = 0; b < 2; b++) {
                            double wgt = th[i][2 + a] * tw[j][2 + b];
                            if (wgt != 0) {
                                v += wgt * xv[(p * h + (int) th[i][a]) * w + (int) tw[j][b]];
                            }
                        }
                    }
                    out[(p * oh + i) * ow + j] = v;
                }
            }
        }
        return Tensor.of(out, n, c, oh, ow);
    }

    /** x as a channels-last-style strided view: storage [N,H,W,C] viewed as [N,C,H,W]. */
    private static Tensor channelsLast(Tensor x) {
        Tensor nhwc = x.permute(0, 2, 3, 1).contiguous();
        return nhwc.permute(0, 3, 1, 2);
    }

    @Test
    void float64MatchesIndependentReferenceOnStridedInputs() {
        Generator g = new Generator(21);
        for (int trial = 0; trial < 40; trial++) {
            int h = 1 + g.nextInt(9);
            int w = 1 + g.nextInt(9);
            int oh = 1 + g.nextInt(15);
            int ow = 1 + g.nextInt(15);
            InterpolationMode mode = trial % 3 == 0 ? InterpolationMode.NEAREST : InterpolationMode.BILINEAR;
            boolean ac = mode == InterpolationMode.BILINEAR && trial % 2 == 0;
            double sh = trial % 5 == 1 ? (double) oh / h + 0.01 : -1;
            double sw = trial % 5 == 1 ? (double) ow / w + 0.02 : -1;
            Tensor x = channelsLast(Tensor.normal(g, 0, 1, DType.F64, 2, 3, h, w));
            Tensor out = Tensor.zeros(DType.F64, 2, 3, oh, ow);
            BE.upsample2d(x, mode, ac, sh, sw, out);
            assertClose(reference(x, mode, ac, sh, sw, oh, ow), out, 1e-12, 1e-12,
                    "trial " + trial + " " + mode + " ac=" + ac + " " + h + "x" + w + "->" + oh + "x" + ow);
            // float32 agrees with float64 to float precision
            Tensor out32 = Tensor.zeros(DType.F32, 2, 3, oh, ow);
            BE.upsample2d(x.to(DType.F32), mode, ac, sh, sw, out32);
            assertClose(out, out32, 1e-5, 1e-5, "f32 vs f64 trial " + trial);
        }
    }

    @Test
    void backwardIsTheAdjointAndThreadCountDoesNotMatter() {
        Generator g = new Generator(22);
        for (int trial = 0; trial < 30; trial++) {
            int h = 1 + g.nextInt(12);
            int w = 1 + g.nextInt(12);
            int oh = 1 + g.nextInt(20);
            int ow = 1 + g.nextInt(20);
            InterpolationMode mode = trial % 3 == 0 ? InterpolationMode.NEAREST : InterpolationMode.BILINEAR;
            boolean ac = mode == InterpolationMode.BILINEAR && trial % 2 == 1;
            Tensor x = Tensor.normal(g, 0, 1, DType.F64, 2, 2, h, w);
            Tensor gy = channelsLast(Tensor.normal(g, 0, 1, DType.F64, 2, 2, oh, ow));
            Tensor y = Tensor.zeros(DType.F64, 2, 2, oh, ow);
            BE.upsample2d(x, mode, ac, -1, -1, y);
            Tensor gx = Tensor.zeros(DType.F64, 2, 2, h, w);
            BE.upsample2dBackward(gy, mode, ac, -1, -1, gx);
            double lhs = y.mul(gy).sum().item();
            double rhs = x.mul(gx).sum().item();
            assertEquals(lhs, rhs, 1e-9 * (1 + Math.abs(lhs)), "adjoint trial " + trial);

            Tensor x32 = x.to(DType.F32);
            Tensor a = Tensor.zeros(DType.F32, 2, 2, oh, ow);
            Tensor b = Tensor.zeros(DType.F32, 2, 2, oh, ow);
            BE.upsample2d(x32, mode, ac, -1, -1, a);
            ONE.upsample2d(x32, mode, ac, -1, -1, b);
            assertEqual(b, a, "threads forward");
            Tensor ga = Tensor.zeros(DType.F32, 2, 2, h, w);
            Tensor gb = Tensor.zeros(DType.F32, 2, 2, h, w);
            BE.upsample2dBackward(gy.to(DType.F32), mode, ac, -1, -1, ga);
            ONE.upsample2dBackward(gy.to(DType.F32), mode, ac, -1, -1, gb);
            assertEqual(gb, ga, "threads backward");
        }
    }

    @Test
    void nearestCopiesInfinitiesAndNan() {
        Tensor x = Tensor.of(new float[] {Float.POSITIVE_INFINITY, 1, Float.NaN, -2}, 1, 1, 2, 2);
        Tensor out = NnOps.interpolate(x, NnOps.plan(2, 2, new int[] {3, 5}, null, false), InterpolationMode.NEAREST,
                false);
        float[] v = out.toFloatArray();
        assertEquals(Float.POSITIVE_INFINITY, v[0]);
        assertEquals(1f, v[4]);
        assertEquals(Float.NaN, v[10]);
    }
}
