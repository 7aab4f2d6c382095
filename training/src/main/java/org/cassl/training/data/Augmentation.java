package org.cassl.training.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.cassl.tensor.Generator;
import org.cassl.training.data.RgbImage;

/**
 * Photometric and geometric augmentation applied on the data workers: horizontal flip, vertical
 * flip and transpose (boxes and masks moved with the image, see {@link Dihedral}) and colour jitter
 * (brightness, contrast, saturation factors drawn from {@code [1 - j, 1 + j]}). Resizing (including
 * multi-scale training) is the model transform's job. All randomness comes from the sample's
 * generator; a transform whose probability is 0 draws nothing, so adding the vertical flip and the
 * transpose left the draws (and results) of the horizontal-flip-only settings as they were.
 *
 * <p>The vertical flip and the transpose suit data whose classes do not depend on which way is up
 * (aerial and microscope images, the synthetic shapes); photographs keep {@link #standard()}.
 *
 * <p>Written to a run's {@code train.json} (and its fingerprint) with the vertical flip and the
 * transpose only when they are on, so runs written before they existed still resume.
 *
 * @param flipProbability         probability of a horizontal flip
 * @param verticalFlipProbability probability of a vertical flip
 * @param transposeProbability    probability of swapping rows and columns (with the flips: any
 *                                multiple of 90 degrees)
 * @param brightness              jitter strength for brightness (0 = off)
 * @param contrast                jitter strength for contrast
 * @param saturation              jitter strength for saturation
 */
@JsonPropertyOrder({"flipProbability", "brightness", "contrast", "saturation", "verticalFlipProbability",
        "transposeProbability"})
public record Augmentation(double flipProbability,
                           @JsonInclude(JsonInclude.Include.NON_DEFAULT) double verticalFlipProbability,
                           @JsonInclude(JsonInclude.Include.NON_DEFAULT) double transposeProbability,
                           double brightness, double contrast, double saturation) {
    public static final Augmentation NONE = new Augmentation(0, 0, 0, 0);

    public Augmentation {
        check("flipProbability", flipProbability);
        check("verticalFlipProbability", verticalFlipProbability);
        check("transposeProbability", transposeProbability);
        for (double j : new double[] {brightness, contrast, saturation}) {
            if (!(j >= 0 && j <= 1)) {
                throw new IllegalArgumentException("colour jitter strengths must lie in [0, 1], got " + j);
            }
        }
    }

    /** Horizontal flip and colour jitter only. */
    public Augmentation(double flipProbability, double brightness, double contrast, double saturation) {
        this(flipProbability, 0, 0, brightness, contrast, saturation);
    }

    /** Horizontal flip with probability 0.5 and mild colour jitter (0.2). */
    public static Augmentation standard() {
        return new Augmentation(0.5, 0.2, 0.2, 0.2);
    }

    /**
     * {@link #standard()} plus a vertical flip and a transpose, each at 0.5: all eight rotations and
     * mirror images of the square equally likely. For data with no "up".
     */
    public static Augmentation dihedral() {
        return new Augmentation(0.5, 0.5, 0.5, 0.2, 0.2, 0.2);
    }

    /**
     * Augmentation by name, as the command line and configs spell it: {@code none}, {@code standard}
     * or {@code dihedral}.
     *
     * @throws IllegalArgumentException for any other name, listing the known ones
     */
    public static Augmentation named(String name) {
        switch (name) {
            case "none":
                return NONE;
            case "standard":
                return standard();
            case "dihedral":
                return dihedral();
            default:
                throw new IllegalArgumentException("unknown augmentation '" + name + "' (known: none, standard, dihedral)");
        }
    }

    private static void check(String what, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(what + " must lie in [0, 1], got " + p);
        }
    }

    /**
     * Applies the geometric transforms drawn for this sample (horizontal flip, vertical flip,
     * transpose, in that order; each draws one number only when its probability is positive).
     *
     * @param boxes {@code [G, 4]} xyxy pixels, changed in place
     * @param masks {@code [G, H, W]} or null, changed in place ({@code [G, W, H]} after a transpose)
     * @return the image, a new one when transposed
     */
    RgbImage applyGeometry(RgbImage im, float[] boxes, byte[] masks, Generator rng) {
        if (draw(flipProbability, rng)) {
            Dihedral.flipHorizontal(im, boxes, masks);
        }
        if (draw(verticalFlipProbability, rng)) {
            Dihedral.flipVertical(im, boxes, masks);
        }
        return draw(transposeProbability, rng) ? Dihedral.transpose(im, boxes, masks) : im;
    }

    private static boolean draw(double p, Generator rng) {
        return p > 0 && rng.nextDouble() < p;
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
}
