package org.cassl.tensor;

/**
 * Geometry of a 2-D convolution, PyTorch's meaning for every field.
 *
 * @param strideH   vertical stride
 * @param strideW   horizontal stride
 * @param padH      zero padding top and bottom
 * @param padW      zero padding left and right
 * @param dilationH vertical dilation
 * @param dilationW horizontal dilation
 * @param groups    number of groups (input and output channels must be divisible by it)
 */
public record Conv2dParams(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {

    public Conv2dParams {
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || groups < 1 || padH < 0 || padW < 0) {
            throw new TensorException("conv2d: invalid parameters stride=(" + strideH + "," + strideW + ") padding=(" + padH
                    + "," + padW + ") dilation=(" + dilationH + "," + dilationW + ") groups=" + groups);
        }
    }

    /** stride, padding, dilation the same on both axes. */
    public static Conv2dParams of(int stride, int padding, int dilation, int groups) {
        return new Conv2dParams(stride, stride, padding, padding, dilation, dilation, groups);
    }

    public static Conv2dParams defaults() {
        return of(1, 0, 1, 1);
    }

    /** Output height for input height {@code h} and kernel height {@code kh}. */
    public int outH(int h, int kh) {
        return Math.floorDiv(h + 2 * padH - dilationH * (kh - 1) - 1, strideH) + 1;
    }

    public int outW(int w, int kw) {
        return Math.floorDiv(w + 2 * padW - dilationW * (kw - 1) - 1, strideW) + 1;
    }
}
