package org.cassl.app.shapes;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.QuadCurve2D;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * Clutter that is not an object: thin lines and curves, translucent soft-edged blobs and specks.
 * It is painted before the objects, so it never hides them, and it is never annotated; a detector
 * has to learn to ignore it.
 */
final class Distractors {
    private Distractors() {
    }

    /**
     * Paints about {@code density} distractors per 128x128 pixels (between half and one and a half
     * times that, per image).
     */
    static void paint(BufferedImage image, double density, SplittableRandom rng) {
        int w = image.getWidth();
        int h = image.getHeight();
        double expected = density * (w * (double) h) / (128.0 * 128.0);
        int count = (int) Math.round(expected * (0.5 + rng.nextDouble()));
        if (count == 0) {
            return;
        }
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            for (int i = 0; i < count; i++) {
                double kind = rng.nextDouble();
                if (kind < 0.45) {
                    line(g, w, h, rng);
                } else if (kind < 0.75) {
                    blob(g, w, h, rng);
                } else {
                    speck(g, w, h, rng);
                }
            }
        } finally {
            g.dispose();
        }
    }

    private static Color colour(SplittableRandom rng, double minAlpha, double maxAlpha) {
        int rgb = Rgb.randomHsv(rng, 0, 1, 0.1, 1);
        int alpha = (int) Math.round(255 * (minAlpha + (maxAlpha - minAlpha) * rng.nextDouble()));
        return new Color(Rgb.red(rgb), Rgb.green(rgb), Rgb.blue(rgb), alpha);
    }

    private static void line(Graphics2D g, int w, int h, SplittableRandom rng) {
        double x0 = w * rng.nextDouble();
        double y0 = h * rng.nextDouble();
        double angle = rng.nextDouble() * 2 * Math.PI;
        double length = Math.max(w, h) * (0.25 + 0.75 * rng.nextDouble());
        double x1 = x0 + length * Math.cos(angle);
        double y1 = y0 + length * Math.sin(angle);
        double bend = length * (rng.nextDouble() - 0.5) * 0.6;
        double mx = (x0 + x1) / 2 - bend * Math.sin(angle);
        double my = (y0 + y1) / 2 + bend * Math.cos(angle);
        g.setColor(colour(rng, 0.35, 0.85));
        g.setStroke(new BasicStroke((float) (0.7 + 1.6 * rng.nextDouble()),
                BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(new QuadCurve2D.Double(x0, y0, mx, my, x1, y1));
    }

    /** A wobbly closed curve, translucent so the background shows through. */
    private static void blob(Graphics2D g, int w, int h, SplittableRandom rng) {
        double cx = w * rng.nextDouble();
        double cy = h * rng.nextDouble();
        double radius = 4 + rng.nextDouble() * Math.max(w, h) * 0.18;
        int points = 5 + rng.nextInt(4);
        double[] px = new double[points];
        double[] py = new double[points];
        for (int i = 0; i < points; i++) {
            double angle = i * 2 * Math.PI / points;
            double r = radius * (0.55 + 0.7 * rng.nextDouble());
            px[i] = cx + r * Math.cos(angle);
            py[i] = cy + r * Math.sin(angle) * (0.5 + 0.5 * rng.nextDouble());
        }
        Path2D.Double path = new Path2D.Double();
        path.moveTo((px[points - 1] + px[0]) / 2, (py[points - 1] + py[0]) / 2);
        for (int i = 0; i < points; i++) {
            int j = (i + 1) % points;
            path.quadTo(px[i], py[i], (px[i] + px[j]) / 2, (py[i] + py[j]) / 2);
        }
        path.closePath();
        g.setColor(colour(rng, 0.1, 0.28));
        g.fill(path);
    }

    private static void speck(Graphics2D g, int w, int h, SplittableRandom rng) {
        double r = 0.6 + 1.2 * rng.nextDouble();
        g.setColor(colour(rng, 0.5, 1.0));
        g.fill(new Ellipse2D.Double(w * rng.nextDouble() - r, h * rng.nextDouble() - r, 2 * r, 2 * r));
    }
}
