package org.cassl.training.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * Image decoding through ImageIO (PNG, JPEG, BMP, GIF): grayscale, palette and RGBA images become
 * RGB (alpha is dropped, as PIL's convert("RGB") does).
 */
public final class Images {
    /** File extensions treated as images when listing folders. */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    static {
        ImageIO.setUseCache(false);
    }

    private Images() {
    }

    /** Whether a file name has an image extension. */
    public static boolean hasImageExtension(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot >= 0 && EXTENSIONS.contains(n.substring(dot + 1));
    }

    /** Decodes an image file; any failure becomes an {@link ImageReadException} naming the file. */
    public static RgbImage read(Path path) {
        BufferedImage img;
        try (InputStream in = Files.newInputStream(path)) {
            img = ImageIO.read(in);
        } catch (NoSuchFileException e) {
            throw new ImageReadException("image not found: " + path);
        } catch (IOException | RuntimeException e) {
            throw new ImageReadException("cannot decode image " + path + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new ImageReadException("cannot decode image " + path + ": not a PNG, JPEG, BMP or GIF file");
        }
        if (img.getWidth() <= 0 || img.getHeight() <= 0) {
            throw new ImageReadException("image " + path + " is empty");
        }
        return fromBufferedImage(img);
    }

    /** Converts any BufferedImage to planar RGB in [0, 1]. */
    public static RgbImage fromBufferedImage(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        float[] chw = new float[3 * h * w];
        int plane = h * w;
        final float inv = 1f / 255f;
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            chw[i] = ((p >> 16) & 0xff) * inv;
            chw[plane + i] = ((p >> 8) & 0xff) * inv;
            chw[2 * plane + i] = (p & 0xff) * inv;
        }
        return new RgbImage(chw, h, w);
    }

    /** Planar RGB in [0, 1] back to an 8-bit RGB image (values are clamped and rounded). */
    public static BufferedImage toBufferedImage(RgbImage im) {
        int w = im.width();
        int h = im.height();
        int plane = h * w;
        int[] rgb = new int[plane];
        float[] c = im.chw();
        for (int i = 0; i < plane; i++) {
            rgb[i] = (to8(c[i]) << 16) | (to8(c[plane + i]) << 8) | to8(c[2 * plane + i]);
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, rgb, 0, w);
        return out;
    }

    private static int to8(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }
}
