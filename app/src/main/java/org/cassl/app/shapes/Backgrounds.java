package org.cassl.app.shapes;

import java.util.SplittableRandom;

/**
 * Image backgrounds and sensor noise, painted straight into a packed RGB pixel array.
 *
 * <p>Backgrounds are deliberately varied (smooth gradients, cloudy value noise, faint stripes and
 * checks) so that a detector has to learn what an object is rather than "anything not flat".
 * They are kept lower in contrast than objects: pattern amplitudes are small and the two colours
 * of a background are desaturated.
 */
final class Backgrounds {
    private Backgrounds() {
    }

    /** Fills {@code px} ({@code [h * w]} row-major) with a random background. */
    static void paint(int[] px, int w, int h, boolean cluttered, SplittableRandom rng) {
        int a = backgroundColour(rng);
        int b = rng.nextDouble() < 0.3 ? Rgb.shade(a, 0.55 + 0.9 * rng.nextDouble()) : backgroundColour(rng);
        int style = cluttered ? rng.nextInt(5) : rng.nextInt(2);
        switch (style) {
            case 0 -> linear(px, w, h, a, b, rng);
            case 1 -> radial(px, w, h, a, b, rng);
            case 2 -> clouds(px, w, h, a, b, rng);
            case 3 -> {
                linear(px, w, h, a, b, rng);
                pattern(px, w, h, rng);
            }
            default -> {
                clouds(px, w, h, a, b, rng);
                pattern(px, w, h, rng);
            }
        }
    }

    /** Adds roughly Gaussian per-channel noise with a random std in {@code [0, maxSigma]}. */
    static void addSensorNoise(int[] px, double maxSigma, SplittableRandom rng) {
        double sigma = maxSigma * rng.nextDouble();
        if (sigma < 0.5) {
            return;
        }
        // Each channel gets the sum of four random bytes, centred (variance 4 * (256^2 - 1) / 12),
        // which is close enough to Gaussian; two random longs cover the three channels. Scaling is
        // in 32.32 fixed point because this loop is the hottest of the whole generator.
        long scale = Math.round(sigma / Math.sqrt(4 * (256.0 * 256.0 - 1) / 12) * (1L << 32));
        long half = 1L << 31;
        for (int i = 0; i < px.length; i++) {
            long a = rng.nextLong();
            long b = rng.nextLong();
            int c = px[i];
            int r = Rgb.red(c) + (int) ((byteSum(a) * scale + half) >> 32);
            int g = Rgb.green(c) + (int) ((byteSum(a >>> 32) * scale + half) >> 32);
            int bl = Rgb.blue(c) + (int) ((byteSum(b) * scale + half) >> 32);
            px[i] = Rgb.pack(r, g, bl);
        }
    }

    /** Sum of the four low bytes of {@code bits}, centred on zero: range -510..510. */
    private static long byteSum(long bits) {
        return (bits & 0xFF) + ((bits >>> 8) & 0xFF) + ((bits >>> 16) & 0xFF) + ((bits >>> 24) & 0xFF) - 510;
    }

    private static int backgroundColour(SplittableRandom rng) {
        return Rgb.randomHsv(rng, 0.0, 0.55, 0.15, 0.95);
    }

    private static void linear(int[] px, int w, int h, int a, int b, SplittableRandom rng) {
        double angle = rng.nextDouble() * 2 * Math.PI;
        double cx = Math.cos(angle);
        double sy = Math.sin(angle);
        double span = Math.abs(cx) * w + Math.abs(sy) * h;
        double offset = Math.min(0, cx * w) + Math.min(0, sy * h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double t = ((x + 0.5) * cx + (y + 0.5) * sy - offset) / span;
                px[y * w + x] = Rgb.lerp(a, b, t);
            }
        }
    }

    private static void radial(int[] px, int w, int h, int a, int b, SplittableRandom rng) {
        double cx = w * rng.nextDouble();
        double cy = h * rng.nextDouble();
        double radius = Math.max(w, h) * (0.5 + rng.nextDouble());
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double t = Math.min(1, Math.hypot(x + 0.5 - cx, y + 0.5 - cy) / radius);
                px[y * w + x] = Rgb.lerp(a, b, t);
            }
        }
    }

    /** Two octaves of smoothly interpolated value noise mapped between two colours. */
    private static void clouds(int[] px, int w, int h, int a, int b, SplittableRandom rng) {
        int cells = 2 + rng.nextInt(5);
        double[] coarse = grid(cells, rng);
        double[] fine = grid(cells * 3, rng);
        double fineWeight = 0.2 + 0.2 * rng.nextDouble();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = (x + 0.5) / w;
                double v = (y + 0.5) / h;
                double t = (1 - fineWeight) * sample(coarse, cells, u, v) + fineWeight * sample(fine, cells * 3, u, v);
                px[y * w + x] = Rgb.lerp(a, b, t);
            }
        }
    }

    /** Faint stripes or checks on top of what is there, amplitude a few grey levels. */
    private static void pattern(int[] px, int w, int h, SplittableRandom rng) {
        double angle = rng.nextDouble() * Math.PI;
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double period = 4 + rng.nextDouble() * Math.max(w, h) / 8.0;
        int amplitude = 6 + rng.nextInt(14);
        boolean checks = rng.nextBoolean();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = ((x + 0.5) * cos + (y + 0.5) * sin) / period;
                double v = (-(x + 0.5) * sin + (y + 0.5) * cos) / period;
                int parity = checks ? (int) (Math.floor(u) + Math.floor(v)) & 1 : (int) Math.floor(u * 2) & 1;
                int delta = parity == 0 ? amplitude : -amplitude;
                int c = px[y * w + x];
                px[y * w + x] = Rgb.pack(Rgb.red(c) + delta, Rgb.green(c) + delta, Rgb.blue(c) + delta);
            }
        }
    }

    private static double[] grid(int cells, SplittableRandom rng) {
        double[] g = new double[(cells + 1) * (cells + 1)];
        for (int i = 0; i < g.length; i++) {
            g[i] = rng.nextDouble();
        }
        return g;
    }

    private static double sample(double[] g, int cells, double u, double v) {
        double fx = u * cells;
        double fy = v * cells;
        int ix = Math.min((int) fx, cells - 1);
        int iy = Math.min((int) fy, cells - 1);
        double tx = smooth(fx - ix);
        double ty = smooth(fy - iy);
        int row = cells + 1;
        double top = g[iy * row + ix] * (1 - tx) + g[iy * row + ix + 1] * tx;
        double bottom = g[(iy + 1) * row + ix] * (1 - tx) + g[(iy + 1) * row + ix + 1] * tx;
        return top * (1 - ty) + bottom * ty;
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }
}
