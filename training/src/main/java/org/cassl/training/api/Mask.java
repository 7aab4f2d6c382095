package org.cassl.training.api;

import java.util.Arrays;
import java.util.Objects;
import org.cassl.detection.coco.mask.Rle;

/**
 * A binary instance mask of the whole image ({@code width x height} pixels): a model's mask
 * probabilities thresholded at 0.5. Immutable; {@link #equals} compares the pixels.
 */
public final class Mask {
    private final int width;
    private final int height;
    private final byte[] bits;

    private Mask(int width, int height, byte[] bits) {
        this.width = width;
        this.height = height;
        this.bits = bits;
    }

    /**
     * A mask from row-major pixels ({@code pixels[y * width + x]}), copied.
     *
     * @param width  columns, positive
     * @param height rows, positive
     * @param pixels {@code width * height} values, true inside the object
     * @return the mask
     * @throws NullPointerException     if {@code pixels} is null
     * @throws IllegalArgumentException if a size is not positive or {@code pixels} has the wrong length
     */
    public static Mask of(int width, int height, boolean[] pixels) {
        Objects.requireNonNull(pixels, "pixels");
        checkSize(width, height, pixels.length);
        byte[] b = new byte[pixels.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (pixels[i] ? 1 : 0);
        }
        return new Mask(width, height, b);
    }

    /** The probability at and above which a pixel belongs to the object (torchvision's 0.5). */
    public static final float THRESHOLD = 0.5f;

    /**
     * A model's mask probabilities thresholded at {@link #THRESHOLD}: pixel (x, y) is inside when
     * {@code probs[offset + y * width + x] >= 0.5}. The one place where cassl binarises masks.
     *
     * @param probs  probabilities, row-major
     * @param offset index of pixel (0, 0)
     * @param width  columns, positive
     * @param height rows, positive
     * @return the mask
     * @throws NullPointerException      if {@code probs} is null
     * @throws IllegalArgumentException  if a size is not positive
     * @throws IndexOutOfBoundsException if {@code probs} is too short
     */
    public static Mask fromProbabilities(float[] probs, int offset, int width, int height) {
        Objects.requireNonNull(probs, "probs");
        checkSize(width, height, width * height);
        Objects.checkFromIndexSize(offset, width * height, probs.length);
        byte[] b = new byte[width * height];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (probs[offset + i] >= THRESHOLD ? 1 : 0);
        }
        return new Mask(width, height, b);
    }

    private static void checkSize(int width, int height, int length) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("a mask must have a positive size, got " + width + "x" + height);
        }
        if ((long) width * height != length) {
            throw new IllegalArgumentException("a " + width + "x" + height + " mask needs " + (long) width * height
                    + " pixels, got " + length);
        }
    }

    /**
     * Columns.
     *
     * @return the width in pixels (the original image's)
     */
    public int width() {
        return width;
    }

    /**
     * Rows.
     *
     * @return the height in pixels (the original image's)
     */
    public int height() {
        return height;
    }

    /**
     * One pixel.
     *
     * @param x column, in {@code [0, width)}
     * @param y row, in {@code [0, height)}
     * @return whether the pixel belongs to the object
     * @throws IndexOutOfBoundsException if {@code (x, y)} is outside the mask
     */
    public boolean get(int x, int y) {
        Objects.checkIndex(x, width);
        Objects.checkIndex(y, height);
        return bits[y * width + x] != 0;
    }

    /**
     * The object's area.
     *
     * @return the number of pixels set
     */
    public long area() {
        long n = 0;
        for (byte b : bits) {
            n += b;
        }
        return n;
    }

    /**
     * The pixels, row-major ({@code [y * width + x]}), as a new array.
     *
     * @return a copy of the pixels
     */
    public boolean[] toBooleanArray() {
        boolean[] a = new boolean[bits.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = bits[i] != 0;
        }
        return a;
    }

    /**
     * The mask as the {@code counts} string of a COCO compressed RLE (pycocotools'
     * {@code mask.encode}; the RLE's {@code size} is {@code [height, width]}).
     *
     * @return the compressed counts
     */
    public String toCocoRle() {
        return Rle.encode(bits, height, width).toCompressedString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mask m && m.width == width && m.height == height && Arrays.equals(m.bits, bits);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(bits);
    }

    @Override
    public String toString() {
        return "Mask[" + width + "x" + height + ", area " + area() + "]";
    }
}
