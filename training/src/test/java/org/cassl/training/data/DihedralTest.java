package org.cassl.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.Set;
import org.cassl.tensor.Generator;
import org.junit.jupiter.api.Test;

/**
 * The flips and the transpose move every pixel, box and mask value to where the symmetry sends it;
 * the eight combinations are eight different images; and the augmentation draws them evenly.
 */
class DihedralTest {
    private static final int H = 5;
    private static final int W = 7;

    /** Pixel value encodes its channel and position, so every output pixel names its source. */
    private static RgbImage numbered() {
        float[] p = new float[3 * H * W];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        return new RgbImage(p, H, W);
    }

    /** Two masks: an L-shaped one and a single pixel; their boxes are their pixel extents. */
    private static byte[] masks() {
        byte[] m = new byte[2 * H * W];
        for (int x = 1; x <= 4; x++) {
            m[3 * W + x] = 1;
        }
        for (int y = 1; y <= 3; y++) {
            m[y * W + 1] = 1;
        }
        m[H * W + 4 * W + 6] = 1;
        return m;
    }

    private static float[] boxes() {
        return new float[] {1, 1, 5, 4, 6, 4, 7, 5};
    }

    /** Where (x, y) of the H x W original lands after the drawn transforms, in that order. */
    private static int[] forward(int x, int y, boolean h, boolean v, boolean t) {
        if (h) {
            x = W - 1 - x;
        }
        if (v) {
            y = H - 1 - y;
        }
        return t ? new int[] {y, x} : new int[] {x, y};
    }

    private static RgbImage apply(RgbImage im, float[] b, byte[] m, boolean h, boolean v, boolean t) {
        if (h) {
            Dihedral.flipHorizontal(im, b, m);
        }
        if (v) {
            Dihedral.flipVertical(im, b, m);
        }
        return t ? Dihedral.transpose(im, b, m) : im;
    }

    @Test
    void everyPixelBoxAndMaskFollowsTheSymmetry() {
        Set<String> distinct = new HashSet<>();
        for (int code = 0; code < 8; code++) {
            boolean h = (code & 1) != 0;
            boolean v = (code & 2) != 0;
            boolean t = (code & 4) != 0;
            float[] b = boxes();
            byte[] m = masks();
            byte[] original = masks();
            RgbImage out = apply(numbered(), b, m, h, v, t);
            int oh = t ? W : H;
            int ow = t ? H : W;
            assertEquals(oh, out.height());
            assertEquals(ow, out.width());
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        int[] to = forward(x, y, h, v, t);
                        assertEquals(c * H * W + y * W + x, out.chw()[c * oh * ow + to[1] * ow + to[0]], 0f,
                                "code " + code + " channel " + c + " pixel " + x + "," + y);
                        for (int g = 0; g < 2; g++) {
                            assertEquals(original[g * H * W + y * W + x], m[g * oh * ow + to[1] * ow + to[0]],
                                    "code " + code + " mask " + g + " pixel " + x + "," + y);
                        }
                    }
                }
            }
            for (int g = 0; g < 2; g++) {
                assertArrayEquals(extent(m, g, oh, ow), new float[] {b[4 * g], b[4 * g + 1], b[4 * g + 2], b[4 * g + 3]},
                        "code " + code + ": box " + g + " is its mask's extent");
            }
            distinct.add(java.util.Arrays.toString(out.chw()));
        }
        assertEquals(8, distinct.size(), "the eight combinations give eight different images");
    }

    /** xyxy pixel-edge box of mask g of an oh x ow layout. */
    private static float[] extent(byte[] m, int g, int oh, int ow) {
        int x1 = ow;
        int y1 = oh;
        int x2 = -1;
        int y2 = -1;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                if (m[g * oh * ow + y * ow + x] != 0) {
                    x1 = Math.min(x1, x);
                    y1 = Math.min(y1, y);
                    x2 = Math.max(x2, x);
                    y2 = Math.max(y2, y);
                }
            }
        }
        return new float[] {x1, y1, x2 + 1, y2 + 1};
    }

    @Test
    void withoutMasksTheBoxesStillMove() {
        float[] b = boxes();
        RgbImage out = Dihedral.transpose(numbered(), b, null);
        assertArrayEquals(new float[] {1, 1, 4, 5, 4, 6, 5, 7}, b);
        assertEquals(W, out.height());
    }

    @Test
    void dihedralDrawsTheEightSymmetriesEvenly() {
        Augmentation a = Augmentation.dihedral();
        int[] counts = new int[8];
        int n = 8000;
        for (int i = 0; i < n; i++) {
            Generator rng = new Generator(i);
            float[] b = {0, 0, 1, 1};
            RgbImage out = a.applyGeometry(new RgbImage(new float[3 * 2 * 3], 2, 3), b, null, rng);
            // the unit box at the corner (0, 0) of a 2 x 3 image tells which symmetry was drawn
            boolean t = out.height() == 3;
            int code = (t ? 4 : 0) + (b[t ? 1 : 0] > 0 ? 1 : 0) + (b[t ? 0 : 1] > 0 ? 2 : 0);
            counts[code]++;
        }
        for (int c = 0; c < 8; c++) {
            // binomial(8000, 1/8): sd 29.6; 5 sd either side
            assertTrue(Math.abs(counts[c] - n / 8) < 150, "symmetry " + c + " drawn " + counts[c] + " times of " + n);
        }
    }

    @Test
    void standardDrawsOneNumberForItsGeometrySoOldRunsRepeat() {
        Generator a = new Generator(42);
        Generator b = new Generator(42);
        Augmentation.standard().applyGeometry(numbered(), boxes(), null, a);
        b.nextDouble();
        assertEquals(b.nextDouble(), a.nextDouble());
    }

    @Test
    void namesProbabilitiesAndJson() throws Exception {
        assertEquals(Augmentation.NONE, Augmentation.named("none"));
        assertEquals(Augmentation.standard(), Augmentation.named("standard"));
        assertEquals(Augmentation.dihedral(), Augmentation.named("dihedral"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Augmentation.named("rotate"));
        assertTrue(e.getMessage().contains("known: none, standard, dihedral"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(0.5, 1.5, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(0.5, 0, 0, -0.1));

        ObjectMapper json = new ObjectMapper();
        String standard = json.writeValueAsString(Augmentation.standard());
        assertEquals("{\"flipProbability\":0.5,\"brightness\":0.2,\"contrast\":0.2,\"saturation\":0.2}", standard,
                "runs without the new transforms keep their train.json and fingerprint");
        String dihedral = json.writeValueAsString(Augmentation.dihedral());
        assertTrue(dihedral.contains("\"verticalFlipProbability\":0.5") && dihedral.contains("\"transposeProbability\":0.5"),
                dihedral);
        assertEquals(Augmentation.dihedral(), json.readValue(dihedral, Augmentation.class));
        assertEquals(Augmentation.standard(), json.readValue(standard, Augmentation.class));
        assertFalse(Augmentation.standard().equals(Augmentation.dihedral()));
    }
}
