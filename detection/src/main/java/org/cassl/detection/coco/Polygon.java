package org.cassl.detection.coco;

import java.util.Arrays;

/**
 * One polygon part of a COCO segmentation, {@code [x0, y0, x1, y1, ...]}, stored compactly but
 * without losing a bit of the parsed {@code double} values.
 *
 * <p>Why not {@code float[]}: pycocotools rasterises from doubles and rounds {@code 5x + 0.5}
 * down, so a coordinate such as {@code 20.9} lands on a different pixel boundary in float
 * precision. COCO coordinates almost always have at most two decimals; those are stored as
 * {@code int} hundredths, which restore the identical double ({@code n / 100.0} is the correctly
 * rounded value of the decimal, as is the parser's result). Anything else keeps a {@code double[]}.
 * Instances are immutable.
 */
public final class Polygon {
    private static final double SCALE = 100.0;
    private final int[] hundredths;
    private final double[] raw;

    private Polygon(int[] hundredths, double[] raw) {
        this.hundredths = hundredths;
        this.raw = raw;
    }

    /** A polygon from its flat coordinates (copied). Any length is kept; see {@code Masks} for how odd or short ones rasterise. */
    public static Polygon of(double... coords) {
        int[] packed = new int[coords.length];
        for (int i = 0; i < coords.length; i++) {
            double v = coords[i];
            double scaled = Math.rint(v * SCALE);
            // Double.compare also keeps -0.0 (and NaN) in the raw form.
            if (!(Math.abs(scaled) <= Integer.MAX_VALUE) || Double.compare(scaled / SCALE, v) != 0) {
                return new Polygon(null, coords.clone());
            }
            packed[i] = (int) scaled;
        }
        return new Polygon(packed, null);
    }

    /** The number of stored values (twice the number of points for a well-formed polygon). */
    public int length() {
        return hundredths != null ? hundredths.length : raw.length;
    }

    /** The {@code i}-th value (x for even {@code i}, y for odd). */
    public double get(int i) {
        return hundredths != null ? hundredths[i] / SCALE : raw[i];
    }

    /** A fresh copy of all values. */
    public double[] toArray() {
        double[] out = new double[length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = get(i);
        }
        return out;
    }

    /** Whether the values are stored as 32-bit hundredths (exposed for memory tests). */
    boolean isPacked() {
        return hundredths != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Polygon p && Arrays.equals(toArray(), p.toArray());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toArray());
    }

    @Override
    public String toString() {
        return "Polygon" + Arrays.toString(toArray());
    }
}
