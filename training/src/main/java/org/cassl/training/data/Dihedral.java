package org.cassl.training.data;

/**
 * The exact geometric augmentations: mirror left-right, mirror top-bottom and transpose (swap rows
 * and columns), applied together to the image, its boxes and its masks. With each drawn at 0.5 the
 * three give the eight symmetries of the square (rotations by multiples of 90 degrees and their
 * mirror images) with equal probability, and need no resampling: every pixel moves, none is
 * interpolated, so boxes and masks stay exact.
 *
 * <p>Layouts: the image planar {@code [3, H, W]}, boxes {@code [G, 4]} xyxy in pixels, masks
 * {@code [G, H, W]} (or null). Transposing makes an {@code H x W} image {@code W x H}.
 */
final class Dihedral {
    private Dihedral() {
    }

    /** Mirrors left-right in place: image, boxes, masks. */
    static void flipHorizontal(RgbImage im, float[] boxes, byte[] masks) {
        int w = im.width();
        mirrorRows(im.chw(), 3 * im.height(), w);
        for (int i = 0; i < boxes.length; i += 4) {
            float x1 = boxes[i];
            boxes[i] = w - boxes[i + 2];
            boxes[i + 2] = w - x1;
        }
        if (masks != null) {
            for (int row = 0; row < masks.length / w; row++) {
                int o = row * w;
                for (int x = 0; x < w / 2; x++) {
                    byte t = masks[o + x];
                    masks[o + x] = masks[o + w - 1 - x];
                    masks[o + w - 1 - x] = t;
                }
            }
        }
    }

    /** Mirrors top-bottom in place: image, boxes, masks. */
    static void flipVertical(RgbImage im, float[] boxes, byte[] masks) {
        int h = im.height();
        int w = im.width();
        float[] p = im.chw();
        float[] row = new float[w];
        for (int c = 0; c < 3; c++) {
            int plane = c * h * w;
            for (int y = 0; y < h / 2; y++) {
                int a = plane + y * w;
                int b = plane + (h - 1 - y) * w;
                System.arraycopy(p, a, row, 0, w);
                System.arraycopy(p, b, p, a, w);
                System.arraycopy(row, 0, p, b, w);
            }
        }
        for (int i = 0; i < boxes.length; i += 4) {
            float y1 = boxes[i + 1];
            boxes[i + 1] = h - boxes[i + 3];
            boxes[i + 3] = h - y1;
        }
        if (masks != null) {
            byte[] mrow = new byte[w];
            for (int g = 0; g < masks.length / (h * w); g++) {
                for (int y = 0; y < h / 2; y++) {
                    int a = (g * h + y) * w;
                    int b = (g * h + h - 1 - y) * w;
                    System.arraycopy(masks, a, mrow, 0, w);
                    System.arraycopy(masks, b, masks, a, w);
                    System.arraycopy(mrow, 0, masks, b, w);
                }
            }
        }
    }

    /**
     * Swaps rows and columns: returns the {@code W x H} image; boxes are swapped in place and the
     * masks' values rewritten in place as {@code [G, W, H]} (same length).
     */
    static RgbImage transpose(RgbImage im, float[] boxes, byte[] masks) {
        int h = im.height();
        int w = im.width();
        float[] src = im.chw();
        float[] dst = new float[src.length];
        for (int c = 0; c < 3; c++) {
            int plane = c * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    dst[plane + x * h + y] = src[plane + y * w + x];
                }
            }
        }
        for (int i = 0; i < boxes.length; i += 4) {
            float x1 = boxes[i];
            float x2 = boxes[i + 2];
            boxes[i] = boxes[i + 1];
            boxes[i + 2] = boxes[i + 3];
            boxes[i + 1] = x1;
            boxes[i + 3] = x2;
        }
        if (masks != null) {
            byte[] one = new byte[h * w];
            for (int g = 0; g < masks.length / (h * w); g++) {
                int o = g * h * w;
                System.arraycopy(masks, o, one, 0, h * w);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        masks[o + x * h + y] = one[y * w + x];
                    }
                }
            }
        }
        return new RgbImage(dst, w, h);
    }

    private static void mirrorRows(float[] p, int rows, int w) {
        for (int row = 0; row < rows; row++) {
            int o = row * w;
            for (int x = 0; x < w / 2; x++) {
                float t = p[o + x];
                p[o + x] = p[o + w - 1 - x];
                p[o + w - 1 - x] = t;
            }
        }
    }
}
