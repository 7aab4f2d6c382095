package org.cassl.detection.mask;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cassl.autograd.Functional;
import org.cassl.autograd.Variable;
import org.cassl.tensor.DType;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;

/**
 * torchvision 0.14's {@code paste_masks_in_image}: each {@code M x M} mask is zero-padded by 1
 * ({@code expand_masks}), its box scaled about the centre by {@code (M + 2) / M}
 * ({@code expand_boxes}) and truncated to integers; the mask is resized bilinearly
 * ({@code align_corners=False}) to {@code (y2 - y1 + 1, x2 - x1 + 1)} (at least 1) and written
 * into a zero image, clipped to it. No gradient (inference only).
 */
public final class MaskPaster {
    public static final int PADDING = 1;

    private MaskPaster() {
    }

    /**
     * @param masks  {@code [R, 1, M, M]} (or {@code [R, M, M]}) probabilities
     * @param boxes  {@code [R, 4]} in the target image's pixels
     * @param height image height
     * @param width  image width
     * @return {@code [R, height, width]} in the masks' dtype
     */
    public static Tensor paste(Tensor masks, Tensor boxes, int height, int width) {
        Tensor m4 = masks.dim() == 3 ? masks.unsqueeze(1) : masks;
        int r = m4.size(0);
        if (m4.dim() != 4 || boxes.dim() != 2 || boxes.size(0) != r || boxes.size(1) != 4) {
            throw new ShapeMismatchException("MaskPaster: masks " + Arrays.toString(masks.shape()) + " and boxes "
                    + Arrays.toString(boxes.shape()) + " do not match");
        }
        int size = m4.size(3);
        Tensor padded = Tensor.zeros(m4.dtype(), m4.device(), r, 1, size + 2 * PADDING, m4.size(2) + 2 * PADDING);
        padded.slice(2, PADDING, PADDING + m4.size(2)).slice(3, PADDING, PADDING + size).copyFrom(m4);
        double scale = (double) (size + 2 * PADDING) / size;
        float[] b = boxes.to(DType.F32).contiguous().toFloatArray();
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < r; i++) {
            long[] e = expand(b, i, (float) scale);
            int w = Math.max((int) (e[2] - e[0] + 1), 1);
            int h = Math.max((int) (e[3] - e[1] + 1), 1);
            Tensor resized = Functional.interpolate(Variable.of(padded.narrow(0, i, 1)), h, w,
                    org.cassl.tensor.InterpolationMode.BILINEAR, false).data().select(0, 0).select(0, 0);
            Tensor image = Tensor.zeros(m4.dtype(), m4.device(), height, width);
            int x0 = (int) Math.max(e[0], 0);
            int x1 = (int) Math.min(e[2] + 1, width);
            int y0 = (int) Math.max(e[1], 0);
            int y1 = (int) Math.min(e[3] + 1, height);
            if (x1 > x0 && y1 > y0) {
                image.slice(0, y0, y1).slice(1, x0, x1).copyFrom(resized.slice(0, (int) (y0 - e[1]), (int) (y1 - e[1]))
                        .slice(1, (int) (x0 - e[0]), (int) (x1 - e[0])));
            }
            out.add(image);
        }
        return r == 0 ? Tensor.zeros(m4.dtype(), m4.device(), 0, height, width) : Tensor.stack(out, 0);
    }

    /** {@code expand_boxes} in float32 then {@code .to(int64)} (truncation toward zero). */
    private static long[] expand(float[] b, int i, float scale) {
        float wHalf = (b[4 * i + 2] - b[4 * i]) * 0.5f * scale;
        float hHalf = (b[4 * i + 3] - b[4 * i + 1]) * 0.5f * scale;
        float xc = (b[4 * i + 2] + b[4 * i]) * 0.5f;
        float yc = (b[4 * i + 3] + b[4 * i + 1]) * 0.5f;
        return new long[] {(long) (xc - wHalf), (long) (yc - hHalf), (long) (xc + wHalf), (long) (yc + hHalf)};
    }
}
