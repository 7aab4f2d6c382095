package org.cassl.training.data;

import org.cassl.tensor.Generator;
import org.cassl.training.data.RgbImage;

/**
 * Photometric and geometric augmentation applied on the data workers: horizontal flip (boxes and
 * masks flipped with the image) and colour jitter (brightness, contrast, saturation factors drawn
 * from {@code [1 - j, 1 + j]}). Resizing (including multi-scale training) is the model transform's
 * job. All randomness comes from the sample's generator.
 *
 * @param flipProbability probability of a horizontal flip
 * @param brightness      jitter strength for brightness (0 = off)
 * @param contrast        jitter strength for contrast
 * @param saturation      jitter strength for saturation
 */
public record Augmentation(double flipProbability, double brightness, double contrast, double saturation) {
    public static final Augmentation NONE = new Augmentation(0, 0, 0, 0);

    /** Flip with probability 0.5 and mild colour jitter (0.2). */
    public static Augmentation standard() {
        return new Augmentation(0.5, 0.2, 0.2, 0.2);
    }

    /** Whether this sample is flipped (draws one number, so call exactly once per sample). */
    boolean drawFlip(Generator rng) {
        return flipProbability > 0 && rng.nextDouble() < flipProbability;
    }

    /** Applies the colour jitter in place. */
    void jitter(RgbImage im, Generator rng) {
        float[] p = im.chw();
        int plane = im.height() * im.width();
        double b = factor(brightness, rng);
        double c = factor(contrast, rng);
        double s = factor(saturation, rng);
        if (b != 1) {
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) Math.min(1, p[i] * b);
            }
        }
        if (c != 1) {
            double mean = 0;
            for (int i = 0; i < plane; i++) {
                mean += gray(p, i, plane);
            }
            mean /= plane;
            for (int i = 0; i < p.length; i++) {
                p[i] = clamp(mean + (p[i] - mean) * c);
            }
        }
        if (s != 1) {
            for (int i = 0; i < plane; i++) {
                double g = gray(p, i, plane);
                for (int ch = 0; ch < 3; ch++) {
                    int k = ch * plane + i;
                    p[k] = clamp(g + (p[k] - g) * s);
                }
            }
        }
    }

    private static double factor(double strength, Generator rng) {
        return strength > 0 ? 1 - strength + 2 * strength * rng.nextDouble() : 1;
    }

    private static double gray(float[] p, int i, int plane) {
        return 0.299 * p[i] + 0.587 * p[plane + i] + 0.114 * p[2 * plane + i];
    }

    private static float clamp(double v) {
        return (float) Math.max(0, Math.min(1, v));
    }

    /** Mirrors a planar image left-right in place. */
    static void flipImage(RgbImage im) {
        float[] p = im.chw();
        int w = im.width();
        for (int row = 0; row < 3 * im.height(); row++) {
            int o = row * w;
            for (int x = 0; x < w / 2; x++) {
                float t = p[o + x];
                p[o + x] = p[o + w - 1 - x];
                p[o + w - 1 - x] = t;
            }
        }
    }
}
