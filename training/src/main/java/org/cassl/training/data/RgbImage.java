package org.cassl.training.data;

import org.cassl.tensor.Tensor;

/**
 * A decoded image as planar float RGB in [0, 1], the layout the detector takes ({@code [3, H, W]}).
 *
 * @param chw    planar pixels: all red values row by row, then green, then blue
 * @param height rows
 * @param width  columns
 */
public record RgbImage(float[] chw, int height, int width) {
    public RgbImage {
        if (chw.length != 3 * height * width) {
            throw new IllegalArgumentException("expected " + 3 * height * width + " values for a " + height + "x" + width
                    + " RGB image, got " + chw.length);
        }
    }

    /** A {@code [3, H, W]} float32 tensor (copies the pixels). */
    public Tensor toTensor() {
        return Tensor.of(chw, 3, height, width);
    }

    /** Wraps a {@code [3, H, W]} tensor's values. */
    public static RgbImage fromTensor(Tensor t) {
        if (t.dim() != 3 || t.size(0) != 3) {
            throw new IllegalArgumentException("expected an image tensor of shape [3, H, W], got "
                    + java.util.Arrays.toString(t.shape()));
        }
        return new RgbImage(t.toFloatArray(), t.size(1), t.size(2));
    }
}
