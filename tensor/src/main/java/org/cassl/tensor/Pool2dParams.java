package org.cassl.tensor;

/**
 * Geometry of 2-D max/avg pooling with PyTorch's semantics (including {@code ceil_mode}, where the
 * last window must start inside the input or left padding).
 */
public record Pool2dParams(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                           int dilationH, int dilationW, boolean ceilMode, boolean countIncludePad) {

    public Pool2dParams {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1
                || padH < 0 || padW < 0) {
            throw new TensorException("pool2d: invalid parameters kernel=(" + kernelH + "," + kernelW + ") stride=("
                    + strideH + "," + strideW + ") padding=(" + padH + "," + padW + ")");
        }
        if (padH * 2 > kernelH || padW * 2 > kernelW) {
            throw new TensorException("pool2d: padding (" + padH + "," + padW + ") should be at most half of kernel size ("
                    + kernelH + "," + kernelW + ")");
        }
    }

    /** Square kernel; stride defaults to the kernel size in PyTorch when not given. */
    public static Pool2dParams of(int kernel, int stride, int padding) {
        return new Pool2dParams(kernel, kernel, stride, stride, padding, padding, 1, 1, false, true);
    }

    public Pool2dParams withCeilMode(boolean ceil) {
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, ceil, countIncludePad);
    }

    public Pool2dParams withCountIncludePad(boolean include) {
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, ceilMode, include);
    }

    public int outH(int h) {
        return outSize(h, kernelH, strideH, padH, dilationH);
    }

    public int outW(int w) {
        return outSize(w, kernelW, strideW, padW, dilationW);
    }

    private int outSize(int in, int k, int s, int p, int d) {
        int span = in + 2 * p - d * (k - 1) - 1;
        int out = (ceilMode ? Math.floorDiv(span + s - 1, s) : Math.floorDiv(span, s)) + 1;
        if (ceilMode && (out - 1) * s >= in + p) {
            out--;
        }
        return out;
    }
}
