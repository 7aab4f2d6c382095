package org.cassl.app.shapes;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Paints placed objects into a packed RGB image: a random fill texture in colours chosen to stand
 * out from whatever lies underneath, an optional outline, anti-aliased edges. Colours and textures
 * never depend on the kind, so only the silhouette tells classes apart.
 */
final class ObjectPainter {
    private ObjectPainter() {
    }

    /** Colour of the object's texture at an image position (pixel centre coordinates). */
    private interface Texture {
        int at(double x, double y);
    }

    static void paint(int[] px, int width, int height, ObjectPlacer.Placed p,
                      List<FillTexture> textures, SplittableRandom rng) {
        int under = meanUnder(px, width, height, p);
        int main = contrasting(rng, under, -1, 110);
        int second = contrasting(rng, under, main, 70);
        FillTexture kind = textures.get(rng.nextInt(textures.size()));
        Texture texture = texture(kind, p, main, second, rng);
        int outline = luma(main) > 110 ? Rgb.shade(main, 0.25 + 0.15 * rng.nextDouble())
                : Rgb.lerp(main, 0xFFFFFF, 0.6 + 0.3 * rng.nextDouble());
        for (int ly = 0; ly < p.h(); ly++) {
            int y = p.y0() + ly;
            if (y < 0 || y >= height) {
                continue;
            }
            for (int lx = 0; lx < p.w(); lx++) {
                int x = p.x0() + lx;
                int i = ly * p.w() + lx;
                int cover = p.coverage(i);
                if (x < 0 || x >= width || cover == 0) {
                    continue;
                }
                int colour = texture.at(x + 0.5, y + 0.5);
                if (p.stroke() != null) {
                    colour = Rgb.lerp(colour, outline, (p.stroke()[i] & 0xFF) / 255.0);
                }
                int at = y * width + x;
                px[at] = cover == 255 ? colour : Rgb.lerp(px[at], colour, cover / 255.0);
            }
        }
    }

    private static Texture texture(FillTexture kind, ObjectPlacer.Placed p, int a, int b, SplittableRandom rng) {
        double angle = rng.nextDouble() * Math.PI;
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double r = p.radius();
        switch (kind) {
            case STRIPES -> {
                double period = Math.max(3, r * (0.25 + 0.35 * rng.nextDouble()));
                double duty = 0.35 + 0.3 * rng.nextDouble();
                return (x, y) -> {
                    double t = (x * cos + y * sin) / period;
                    return t - Math.floor(t) < duty ? a : b;
                };
            }
            case CHECKER -> {
                double cell = Math.max(2.5, r * (0.2 + 0.3 * rng.nextDouble()));
                return (x, y) -> {
                    long u = (long) Math.floor((x * cos + y * sin) / cell);
                    long v = (long) Math.floor((-x * sin + y * cos) / cell);
                    return ((u + v) & 1) == 0 ? a : b;
                };
            }
            case GRADIENT -> {
                return (x, y) -> {
                    double t = ((x - p.cx()) * cos + (y - p.cy()) * sin) / (2 * r) + 0.5;
                    return Rgb.lerp(a, b, Math.max(0, Math.min(1, t)));
                };
            }
            case NOISE -> {
                long salt = rng.nextLong();
                double amount = 0.25 + 0.35 * rng.nextDouble();
                return (x, y) -> Rgb.shade(a, 1 + amount * (2 * Rgb.hash01((int) x, (int) y, salt) - 1));
            }
            default -> {
                return (x, y) -> a;
            }
        }
    }

    /** The average colour of the solid pixels this object is about to cover. */
    private static int meanUnder(int[] px, int width, int height, ObjectPlacer.Placed p) {
        long r = 0;
        long g = 0;
        long b = 0;
        long n = 0;
        for (int ly = 0; ly < p.h(); ly++) {
            int y = p.y0() + ly;
            for (int lx = 0; lx < p.w(); lx++) {
                int x = p.x0() + lx;
                if (y >= 0 && y < height && x >= 0 && x < width && p.coverage(ly * p.w() + lx) >= ObjectPlacer.SOLID) {
                    int c = px[y * width + x];
                    r += Rgb.red(c);
                    g += Rgb.green(c);
                    b += Rgb.blue(c);
                    n++;
                }
            }
        }
        return n == 0 ? 0x808080 : Rgb.pack((int) (r / n), (int) (g / n), (int) (b / n));
    }

    /**
     * A random colour at least {@code minDistance} from {@code under} (and, if {@code other >= 0},
     * reasonably far from it too); the best of a few tries when none qualifies.
     */
    private static int contrasting(SplittableRandom rng, int under, int other, double minDistance) {
        int best = 0;
        double bestScore = -1;
        for (int attempt = 0; attempt < 16; attempt++) {
            int c = Rgb.randomHsv(rng, 0.3, 1, 0.25, 1);
            double score = Rgb.distance(c, under);
            if (other >= 0) {
                score = Math.min(score, Rgb.distance(c, other) * 1.4);
            }
            if (score >= minDistance) {
                return c;
            }
            if (score > bestScore) {
                bestScore = score;
                best = c;
            }
        }
        return best;
    }

    private static int luma(int rgb) {
        return (299 * Rgb.red(rgb) + 587 * Rgb.green(rgb) + 114 * Rgb.blue(rgb)) / 1000;
    }
}
