package org.cassl.app.shapes;

import java.util.SplittableRandom;

/** Packed {@code 0xRRGGBB} colour helpers shared by the painters. */
final class Rgb {
    private Rgb() {
    }

    static int pack(int r, int g, int b) {
        return (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
    }

    static int red(int rgb) {
        return (rgb >>> 16) & 0xFF;
    }

    static int green(int rgb) {
        return (rgb >>> 8) & 0xFF;
    }

    static int blue(int rgb) {
        return rgb & 0xFF;
    }

    static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** Linear blend: {@code t = 0} gives {@code a}, {@code t = 1} gives {@code b}. */
    static int lerp(int a, int b, double t) {
        // floor(v + 0.5) rather than Math.round: same result here, and this runs per pixel.
        return pack(
                (int) Math.floor(red(a) + (red(b) - red(a)) * t + 0.5),
                (int) Math.floor(green(a) + (green(b) - green(a)) * t + 0.5),
                (int) Math.floor(blue(a) + (blue(b) - blue(a)) * t + 0.5));
    }

    /** Euclidean distance in RGB, 0..441. */
    static double distance(int a, int b) {
        int dr = red(a) - red(b);
        int dg = green(a) - green(b);
        int db = blue(a) - blue(b);
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }

    /** Scales brightness; factors above 1 move towards white. */
    static int shade(int rgb, double factor) {
        if (factor <= 1) {
            return pack((int) (red(rgb) * factor), (int) (green(rgb) * factor), (int) (blue(rgb) * factor));
        }
        return lerp(rgb, 0xFFFFFF, Math.min(1, factor - 1));
    }

    /** A random colour from HSV with saturation and value in the given ranges. */
    static int randomHsv(SplittableRandom rng, double minSat, double maxSat, double minVal, double maxVal) {
        double h = rng.nextDouble() * 6;
        double s = minSat + (maxSat - minSat) * rng.nextDouble();
        double v = minVal + (maxVal - minVal) * rng.nextDouble();
        int sector = (int) h;
        double f = h - sector;
        double p = v * (1 - s);
        double q = v * (1 - s * f);
        double t = v * (1 - s * (1 - f));
        double r;
        double g;
        double b;
        switch (sector) {
            case 0 -> { r = v; g = t; b = p; }
            case 1 -> { r = q; g = v; b = p; }
            case 2 -> { r = p; g = v; b = t; }
            case 3 -> { r = p; g = q; b = v; }
            case 4 -> { r = t; g = p; b = v; }
            default -> { r = v; g = p; b = q; }
        }
        return pack((int) Math.round(r * 255), (int) Math.round(g * 255), (int) Math.round(b * 255));
    }

    /** A stateless hash of a pixel position and a salt, uniform in [0, 1). */
    static double hash01(int x, int y, long salt) {
        long z = salt ^ ((long) x * 0x9E3779B97F4A7C15L) ^ ((long) y * 0xC2B2AE3D27D4EB4FL);
        return (Seeds.mix64(z) >>> 11) * 0x1.0p-53;
    }
}
