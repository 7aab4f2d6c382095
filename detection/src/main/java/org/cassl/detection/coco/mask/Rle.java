package org.cassl.detection.coco.mask;

import java.util.Arrays;
import org.cassl.detection.coco.Bbox;
import org.cassl.detection.coco.CocoFormatException;

/**
 * A binary mask of {@code height x width} pixels as pycocotools' run-length encoding: the pixels
 * are walked column by column (index {@code x * height + y}) and {@code counts} holds the lengths
 * of alternating runs, the first one a run of zeros (possibly of length 0).
 *
 * <p>Instances are immutable and always consistent: counts are non-negative and add up to
 * {@code height * width}.
 */
public final class Rle {
    private final int height;
    private final int width;
    private final int[] counts;

    private Rle(int height, int width, int[] counts) {
        this.height = height;
        this.width = width;
        this.counts = counts;
    }

    /**
     * An RLE from its counts (copied).
     *
     * @throws CocoFormatException if the size is negative, a count is negative or the counts do not
     *     add up to {@code height * width}
     */
    public static Rle of(int height, int width, int[] counts) {
        return checked(height, width, counts.clone());
    }

    /** Validates without copying; for arrays this package built and no one else holds. */
    static Rle checked(int height, int width, int[] counts) {
        if (height < 0 || width < 0) {
            throw new CocoFormatException("RLE size must be non-negative, got " + height + "x" + width);
        }
        long sum = 0;
        for (int c : counts) {
            if (c < 0) {
                throw new CocoFormatException("RLE count " + c + " is negative");
            }
            sum += c;
        }
        long pixels = (long) height * width;
        if (pixels > Integer.MAX_VALUE) {
            throw new CocoFormatException("RLE size " + height + "x" + width + " exceeds 2^31-1 pixels");
        }
        if (sum != pixels) {
            throw new CocoFormatException("RLE counts add up to " + sum + " pixels but size " + height + "x" + width
                    + " has " + pixels);
        }
        return new Rle(height, width, counts);
    }

    /** Trusted construction for results of this package's algorithms (already consistent). */
    static Rle trusted(int height, int width, int[] counts) {
        return new Rle(height, width, counts);
    }

    /** An all-zero mask. */
    public static Rle empty(int height, int width) {
        long pixels = (long) height * width;
        if (height < 0 || width < 0 || pixels > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("unsupported mask size " + height + "x" + width);
        }
        return new Rle(height, width, new int[] {(int) pixels});
    }

    /** Mask height in pixels. */
    public int height() {
        return height;
    }

    /** Mask width in pixels. */
    public int width() {
        return width;
    }

    /** The number of runs. */
    public int runCount() {
        return counts.length;
    }

    /** Run {@code i}'s length (even {@code i}: zeros, odd: ones). */
    public int count(int i) {
        return counts[i];
    }

    /** A copy of the run lengths. */
    public int[] counts() {
        return counts.clone();
    }

    int[] countsUnsafe() {
        return counts;
    }

    /** The number of set pixels: the sum of the odd-indexed runs (pycocotools' {@code area}). */
    public long area() {
        long a = 0;
        for (int j = 1; j < counts.length; j += 2) {
            a += counts[j];
        }
        return a;
    }

    /**
     * The tight box {@code [x, y, w, h]} around the set pixels, as pycocotools' {@code toBbox}:
     * all zeros for an empty mask, and full height when a run of ones wraps to a new column.
     */
    public Bbox toBbox() {
        int m = (counts.length / 2) * 2;
        if (m == 0 || height == 0) {
            return new Bbox(0, 0, 0, 0);
        }
        // Unsigned 32-bit arithmetic as in maskApi.c (matters only for degenerate zero-length runs).
        long h = height;
        long xs = width;
        long ys = height;
        long xe = 0;
        long ye = 0;
        long cc = 0;
        long xp = 0;
        for (int j = 0; j < m; j++) {
            cc += counts[j];
            long t = (cc - (j % 2)) & 0xFFFFFFFFL;
            long y = t % h;
            long x = (t - y) / h;
            if (j % 2 == 0) {
                xp = x;
            } else if (xp < x) {
                ys = 0;
                ye = h - 1;
            }
            xs = Math.min(xs, x);
            xe = Math.max(xe, x);
            ys = Math.min(ys, y);
            ye = Math.max(ye, y);
        }
        return new Bbox(xs, ys, xe - xs + 1, ye - ys + 1);
    }

    /**
     * Encodes a row-major mask ({@code mask[y * width + x]}, any non-zero byte is set) — the layout
     * of images and of {@code numpy} arrays in C order.
     */
    public static Rle encode(byte[] mask, int height, int width) {
        checkMaskSize(mask.length, height, width);
        RunBuilder b = new RunBuilder(height, width);
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                b.push(mask[y * width + x] != 0);
            }
        }
        return b.finish();
    }

    /** Encodes a column-major mask ({@code mask[x * height + y]}, pycocotools' Fortran-order input). */
    public static Rle encodeColumnMajor(byte[] mask, int height, int width) {
        checkMaskSize(mask.length, height, width);
        RunBuilder b = new RunBuilder(height, width);
        for (byte v : mask) {
            b.push(v != 0);
        }
        return b.finish();
    }

    /** Decodes to a row-major mask of 0/1 bytes ({@code mask[y * width + x]}). */
    public byte[] decode() {
        byte[] out = new byte[height * width];
        int pos = 0;
        for (int j = 0; j < counts.length; j++) {
            int end = pos + counts[j];
            if ((j & 1) == 1) {
                for (int i = pos; i < end; i++) {
                    out[(i % height) * width + i / height] = 1;
                }
            }
            pos = end;
        }
        return out;
    }

    /** Decodes to a column-major mask of 0/1 bytes ({@code mask[x * height + y]}). */
    public byte[] decodeColumnMajor() {
        byte[] out = new byte[height * width];
        int pos = 0;
        for (int j = 0; j < counts.length; j++) {
            if ((j & 1) == 1) {
                Arrays.fill(out, pos, pos + counts[j], (byte) 1);
            }
            pos += counts[j];
        }
        return out;
    }

    /** pycocotools' compressed counts string for this mask. */
    public String toCompressedString() {
        return RleStrings.encode(counts);
    }

    /**
     * Decodes pycocotools' compressed counts string.
     *
     * @throws CocoFormatException for characters outside the alphabet, a truncated value, negative
     *     counts or counts that do not add up to {@code height * width}
     */
    public static Rle fromCompressedString(int height, int width, String counts) {
        return checked(height, width, RleStrings.decode(counts));
    }

    private static void checkMaskSize(int length, int height, int width) {
        if (height < 0 || width < 0 || (long) height * width != length) {
            throw new IllegalArgumentException("mask has " + length + " bytes, expected height " + height
                    + " x width " + width);
        }
    }

    /** Collects alternating runs, starting with zeros. */
    private static final class RunBuilder {
        private final int height;
        private final int width;
        private int[] runs = new int[16];
        private int n;
        private boolean current;
        private int length;

        RunBuilder(int height, int width) {
            this.height = height;
            this.width = width;
        }

        void push(boolean v) {
            if (v != current) {
                add(length);
                length = 0;
                current = v;
            }
            length++;
        }

        private void add(int c) {
            if (n == runs.length) {
                runs = Arrays.copyOf(runs, n * 2);
            }
            runs[n++] = c;
        }

        Rle finish() {
            add(length);
            return new Rle(height, width, Arrays.copyOf(runs, n));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rle r && r.height == height && r.width == width && Arrays.equals(r.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * height + width) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Rle[" + height + "x" + width + ", area " + area() + ", runs " + counts.length + "]";
    }
}
