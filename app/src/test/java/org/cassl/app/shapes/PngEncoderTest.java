package org.cassl.app.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngEncoderTest {

    private static int[] decode(byte[] png, int width, int height) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(width, image.getWidth());
        assertEquals(height, image.getHeight());
        int[] rgb = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                rgb[y * width + x] = image.getRGB(x, y) & 0xFFFFFF;
            }
        }
        return rgb;
    }

    @Test
    void imageIoReadsBackTheSamePixels() throws IOException {
        SplittableRandom rng = new SplittableRandom(3);
        for (int[] size : new int[][] {{1, 1}, {37, 23}, {128, 5}}) {
            int[] rgb = new int[size[0] * size[1]];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = rng.nextInt(1 << 24);
            }
            byte[] png = PngEncoder.encode(rgb, size[0], size[1]);
            assertArrayEquals(rgb, decode(png, size[0], size[1]));
            assertArrayEquals(png, PngEncoder.encode(rgb, size[0], size[1]), "encoding is deterministic");
        }
    }

    @Test
    void tooFewPixelsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> PngEncoder.encode(new int[5], 3, 2));
    }
}
