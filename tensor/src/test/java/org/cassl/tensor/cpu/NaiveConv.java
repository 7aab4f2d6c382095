package org.cassl.tensor.cpu;

import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Tensor;

/**
 * Direct-loop float64 convolution and its two gradients, written from the definition
 * {@code out[n,k,oh,ow] = b[k] + sum_{c,i,j} x[n, g*C_g + c, oh*s - p + i*d, ow*s - p + j*d] * w[k,c,i,j]}
 * as the reference for the im2col/GEMM kernels.
 */
final class NaiveConv {
    private NaiveConv() {
    }

    /** Calls {@code tap(n, k, oh, ow, cIn, c, i, j, ih, iw)} for every in-bounds tap. */
    @FunctionalInterface
    interface Tap {
        void at(int n, int k, int oh, int ow, int cIn, int c, int i, int j, int ih, int iw);
    }

    static void forEachTap(int[] xs, int[] ws, Conv2dParams p, Tap tap) {
        int n = xs[0];
        int h = xs[2];
        int w = xs[3];
        int k = ws[0];
        int cg = ws[1];
        int kh = ws[2];
        int kw = ws[3];
        int kg = k / p.groups();
        int oh = p.outH(h, kh);
        int ow = p.outW(w, kw);
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < k; o++) {
                int grp = o / kg;
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        for (int c = 0; c < cg; c++) {
                            for (int i = 0; i < kh; i++) {
                                int ih = y * p.strideH() - p.padH() + i * p.dilationH();
                                if (ih < 0 || ih >= h) {
                                    continue;
                                }
                                for (int j = 0; j < kw; j++) {
                                    int iw = x * p.strideW() - p.padW() + j * p.dilationW();
                                    if (iw >= 0 && iw < w) {
                                        tap.at(b, o, y, x, grp * cg + c, c, i, j, ih, iw);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static Tensor forward(Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
        int[] xs = x.shape();
        int[] ws = w.shape();
        int oh = p.outH(xs[2], ws[2]);
        int ow = p.outW(xs[3], ws[3]);
        double[] xv = x.toDoubleArray();
        double[] wv = w.toDoubleArray();
        double[] out = new double[xs[0] * ws[0] * oh * ow];
        forEachTap(xs, ws, p, (n, k, y, xx, cIn, c, i, j, ih, iw) ->
                out[((n * ws[0] + k) * oh + y) * ow + xx] += xv[((n * xs[1] + cIn) * xs[2] + ih) * xs[3] + iw]
                        * wv[((k * ws[1] + c) * ws[2] + i) * ws[3] + j]);
        if (bias != null) {
            double[] bv = bias.toDoubleArray();
            for (int i = 0; i < out.length; i++) {
                out[i] += bv[(i / (oh * ow)) % ws[0]];
            }
        }
        return Tensor.of(out, xs[0], ws[0], oh, ow);
    }

    static Tensor backwardInput(Tensor gradOut, Tensor w, int[] xs, Conv2dParams p) {
        int[] ws = w.shape();
        int oh = gradOut.size(2);
        int ow = gradOut.size(3);
        double[] gv = gradOut.toDoubleArray();
        double[] wv = w.toDoubleArray();
        double[] gi = new double[xs[0] * xs[1] * xs[2] * xs[3]];
        forEachTap(xs, ws, p, (n, k, y, xx, cIn, c, i, j, ih, iw) ->
                gi[((n * xs[1] + cIn) * xs[2] + ih) * xs[3] + iw] += gv[((n * ws[0] + k) * oh + y) * ow + xx]
                        * wv[((k * ws[1] + c) * ws[2] + i) * ws[3] + j]);
        return Tensor.of(gi, xs);
    }

    static Tensor backwardWeight(Tensor gradOut, Tensor x, int[] ws, Conv2dParams p) {
        int[] xs = x.shape();
        int oh = gradOut.size(2);
        int ow = gradOut.size(3);
        double[] gv = gradOut.toDoubleArray();
        double[] xv = x.toDoubleArray();
        double[] gw = new double[ws[0] * ws[1] * ws[2] * ws[3]];
        forEachTap(xs, ws, p, (n, k, y, xx, cIn, c, i, j, ih, iw) ->
                gw[((k * ws[1] + c) * ws[2] + i) * ws[3] + j] += gv[((n * ws[0] + k) * oh + y) * ow + xx]
                        * xv[((n * xs[1] + cIn) * xs[2] + ih) * xs[3] + iw]);
        return Tensor.of(gw, ws);
    }
}
