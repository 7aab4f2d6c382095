package org.cassl.app.report;

import java.util.Locale;
import org.cassl.training.api.Box;
import org.cassl.training.api.Detection;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws detections (boxes, label names, scores and optional instance masks) onto an image, with a
 * stable colour per label, and writes PNGs atomically.
 */
public final class DetectionDrawer {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    /**
     * One thing to draw.
     *
     * @param x1    left, in image pixels
     * @param y1    top
     * @param x2    right
     * @param y2    bottom
     * @param label label index (colour key)
     * @param text  caption (e.g. "circle 0.87")
     * @param mask  optional row-major {@code H*W} mask of the image size, or null
     */
    public record Item(double x1, double y1, double x2, double y2, int label, String text, boolean[] mask) {

        /**
         * A detection as drawn: its box, its label's colour, {@code "name score"} as the caption, and
         * its mask when it has one.
         */
        public static Item of(Detection d, String name) {
            Box b = d.box();
            return new Item(b.x1(), b.y1(), b.x2(), b.y2(), d.label(), String.format(Locale.ROOT, "%s %.2f", name, d.score()),
                    d.mask() != null ? d.mask().toBooleanArray() : null);
        }
    }

    private DetectionDrawer() {
    }

    /** A copy of {@code image} (scaled up by {@code zoom} for legibility) with the items drawn. */
    public static BufferedImage draw(BufferedImage image, List<Item> items, int zoom) {
        int w = image.getWidth();
        int h = image.getHeight();
        int z = Math.max(1, zoom);
        BufferedImage out = new BufferedImage(w * z, h * z, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(image, 0, 0, w * z, h * z, null);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        for (Item it : items) {
            if (it.mask() != null && it.mask().length == w * h) {
                overlayMask(out, it.mask(), w, h, z, color(it.label()));
            }
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, 4 * z + 6)));
        FontMetrics fm = g.getFontMetrics();
        for (Item it : items) {
            Color c = color(it.label());
            g.setColor(c);
            g.setStroke(new BasicStroke(Math.max(1.5f, z * 0.75f)));
            int x = (int) Math.round(it.x1() * z);
            int y = (int) Math.round(it.y1() * z);
            int bw = (int) Math.round((it.x2() - it.x1()) * z);
            int bh = (int) Math.round((it.y2() - it.y1()) * z);
            g.drawRect(x, y, Math.max(bw, 1), Math.max(bh, 1));
            if (it.text() != null && !it.text().isEmpty()) {
                int tw = fm.stringWidth(it.text()) + 4;
                int th = fm.getHeight();
                int ty = y - th < 0 ? y : y - th;
                g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.75f));
                g.fillRect(x, ty, tw, th);
                g.setComposite(AlphaComposite.SrcOver);
                g.setColor(Color.WHITE);
                g.drawString(it.text(), x + 2, ty + fm.getAscent());
            }
        }
        g.dispose();
        return out;
    }

    private static void overlayMask(BufferedImage out, boolean[] mask, int w, int h, int z, Color c) {
        int cr = c.getRed();
        int cg = c.getGreen();
        int cb = c.getBlue();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (!mask[y * w + x]) {
                    continue;
                }
                for (int dy = 0; dy < z; dy++) {
                    for (int dx = 0; dx < z; dx++) {
                        int p = out.getRGB(x * z + dx, y * z + dy);
                        int r = (((p >> 16) & 0xff) + cr) / 2;
                        int gg = (((p >> 8) & 0xff) + cg) / 2;
                        int b = ((p & 0xff) + cb) / 2;
                        out.setRGB(x * z + dx, y * z + dy, (r << 16) | (gg << 8) | b);
                    }
                }
            }
        }
    }

    /** A saturated colour per label, stable across runs. */
    public static Color color(int label) {
        float hue = (float) ((label * 0.61803398875) % 1.0);
        return Color.getHSBColor(hue, 0.85f, 0.95f);
    }

    /** Writes a PNG atomically. */
    public static void writePng(BufferedImage img, Path png) {
        try {
            Path parent = png.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".draw-", ".png");
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer available");
            }
            org.cassl.tensor.io.PublicFiles.makePublic(tmp);
            Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }
}
