package org.cassl.tensor.cpu;

import org.cassl.tensor.Conv2dParams;

/**
 * Sizes of one convolution as the kernels see them: per-group channel counts and the full
 * spatial geometry.
 *
 * @param n      images in the batch
 * @param groups number of groups
 * @param cg     input channels per group
 * @param kg     output channels per group
 * @param h      input height
 * @param w      input width
 * @param kh     kernel height
 * @param kw     kernel width
 * @param oh     output height
 * @param ow     output width
 * @param p      stride, padding and dilation
 */
record ConvGeometry(int n, int groups, int cg, int kg, int h, int w, int kh, int kw, int oh, int ow, Conv2dParams p) {

    /** From {@code x [N,C,H,W]}'s and {@code w [K,C/g,kh,kw]}'s shapes. */
    static ConvGeometry of(int[] xShape, int[] wShape, Conv2dParams p) {
        int kh = wShape[2];
        int kw = wShape[3];
        return new ConvGeometry(xShape[0], p.groups(), wShape[1], wShape[0] / p.groups(), xShape[2], xShape[3], kh, kw,
                p.outH(xShape[2], kh), p.outW(xShape[3], kw), p);
    }

    /** Rows of the column matrix: one per (input channel, kernel row, kernel column) of a group. */
    int colRows() {
        return cg * kh * kw;
    }

    int inPlane() {
        return h * w;
    }

    int outPlane() {
        return oh * ow;
    }

    /** A 1x1 kernel with stride 1 and no padding reads the input as the column matrix itself. */
    boolean pointwise() {
        return kh == 1 && kw == 1 && p.strideH() == 1 && p.strideW() == 1 && p.padH() == 0 && p.padW() == 0;
    }

    /** First output column whose input column {@code ow*stride - pad + j*dil} is >= 0. */
    int owLo(int j) {
        int off = j * p.dilationW() - p.padW();
        return off >= 0 ? 0 : Math.min(ow, (-off + p.strideW() - 1) / p.strideW());
    }

    /** One past the last output column whose input column is < w. */
    int owHi(int j) {
        int off = j * p.dilationW() - p.padW();
        int hi = off > w - 1 ? 0 : (w - 1 - off) / p.strideW() + 1;
        return Math.max(owLo(j), Math.min(ow, hi));
    }
}
