package org.cassl.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoFormatException;
import org.cassl.detection.coco.CocoReader;
import org.cassl.tensor.Generator;
import org.cassl.training.UserInputException;
import org.cassl.training.data.DatasetRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Boxes, labels and masks as the model sees them, and the bad inputs of the mask path. */
class CocoTrainDatasetTest {
    private static final int W = 20;
    private static final int H = 10;

    @TempDir
    Path dir;

    private CocoDataset write(String annotations) throws IOException {
        ImageIO.write(new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("a.png").toFile());
        String json = "{\"images\": [{\"id\": 1, \"file_name\": \"a.png\", \"width\": " + W + ", \"height\": " + H + "}],"
                + "\"categories\": [{\"id\": 1, \"name\": \"x\"}, {\"id\": 2, \"name\": \"y\"}],"
                + "\"annotations\": [" + annotations + "]}";
        Path f = dir.resolve("ann.json");
        Files.writeString(f, json);
        return CocoReader.read(f);
    }

    private static String polygonAnn(int id, int cat, String bbox, String polygon) {
        return "{\"id\": " + id + ", \"image_id\": 1, \"category_id\": " + cat + ", \"iscrowd\": 0, \"area\": 1,"
                + "\"bbox\": " + bbox + ", \"segmentation\": [" + polygon + "]}";
    }

    private CocoTrainDataset dataset(CocoDataset coco, LabelMode mode, Augmentation aug) {
        return new CocoTrainDataset(coco, new DatasetRoot(dir), mode, true, aug, 3);
    }

    @Test
    void masksFollowPolygonsAndFlipWithTheBoxes() throws IOException {
        // A 4x3 rectangle at x 2..6, y 1..4: pycocotools' rasteriser marks pixels 2..5 x 1..3.
        CocoDataset coco = write(polygonAnn(5, 2, "[2, 1, 4, 3]", "[2, 1, 6, 1, 6, 4, 2, 4]"));
        DetectionSample plain = dataset(coco, LabelMode.CATEGORY_ID, Augmentation.NONE).get(0, new Generator(1));
        assertArrayEquals(new float[] {2, 1, 6, 4}, plain.target().boxes().toFloatArray());
        assertArrayEquals(new long[] {2}, plain.target().labels().toLongArray());
        float[] m = plain.target().masks().toFloatArray();
        float on = 0;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                boolean inside = x >= 2 && x < 6 && y >= 1 && y < 4;
                assertEquals(inside ? 1f : 0f, m[y * W + x], "pixel " + x + "," + y);
                on += m[y * W + x];
            }
        }
        assertEquals(12f, on);

        Augmentation flipOnly = new Augmentation(1.0, 0, 0, 0);
        DetectionSample flipped = dataset(coco, LabelMode.CLASS_AGNOSTIC, flipOnly).get(0, new Generator(1));
        assertArrayEquals(new float[] {W - 6, 1, W - 2, 4}, flipped.target().boxes().toFloatArray());
        assertArrayEquals(new long[] {1}, flipped.target().labels().toLongArray());
        float[] f = flipped.target().masks().toFloatArray();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                assertEquals(m[y * W + (W - 1 - x)], f[y * W + x], "flipped pixel " + x + "," + y);
            }
        }
    }

    @Test
    void aTransposedSampleIsWidthByHeightWithItsBoxesAndMasks() throws IOException {
        CocoDataset coco = write(polygonAnn(5, 2, "[2, 1, 4, 3]", "[2, 1, 6, 1, 6, 4, 2, 4]"));
        DetectionSample plain = dataset(coco, LabelMode.CATEGORY_ID, Augmentation.NONE).get(0, new Generator(1));
        DetectionSample t = dataset(coco, LabelMode.CATEGORY_ID, new Augmentation(0, 0, 1, 0, 0, 0)).get(0, new Generator(1));
        assertArrayEquals(new int[] {3, W, H}, t.image().shape());
        assertArrayEquals(new int[] {1, W, H}, t.target().masks().shape());
        assertArrayEquals(new float[] {1, 2, 4, 6}, t.target().boxes().toFloatArray());
        float[] m = plain.target().masks().toFloatArray();
        float[] mt = t.target().masks().toFloatArray();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                assertEquals(m[y * W + x], mt[x * H + y], "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void boxesAreClippedAndBoxesOutsideTheImageDropped() throws IOException {
        CocoDataset coco = write(String.join(",",
                polygonAnn(1, 1, "[-5, 2, 10, 4]", "[-5, 2, 5, 2, 5, 6, -5, 6]"),
                polygonAnn(2, 1, "[30, 2, 5, 5]", "[30, 2, 35, 2, 35, 7, 30, 7]"),
                polygonAnn(3, 2, "[15, 8, 10, 10]", "[15, 8, 25, 8, 25, 18, 15, 18]")));
        DetectionSample s = dataset(coco, LabelMode.CATEGORY_ID, Augmentation.NONE).get(0, new Generator(1));
        assertArrayEquals(new float[] {0, 2, 5, 6, 15, 8, 20, 10}, s.target().boxes().toFloatArray());
        assertArrayEquals(new long[] {1, 2}, s.target().labels().toLongArray());
        assertArrayEquals(new int[] {2, H, W}, s.target().masks().shape());
        float[] m = s.target().masks().toFloatArray();
        float second = 0;
        for (int k = H * W; k < 2 * H * W; k++) {
            second += m[k];
        }
        assertEquals(10f, second, "the mask is clipped to the image like pycocotools' rasteriser does");
    }

    @Test
    void polygonWithTooFewPointsNamesTheAnnotation() throws IOException {
        CocoDataset coco = write(polygonAnn(42, 1, "[1, 1, 3, 3]", "[1, 1, 4, 4]"));
        CocoTrainDataset ds = dataset(coco, LabelMode.CATEGORY_ID, Augmentation.NONE);
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> ds.get(0, new Generator(1)));
        assertTrue(e.getMessage().contains("annotation id 42"), e.getMessage());
    }

    @Test
    void rleOfAnotherSizeNamesTheAnnotation() throws IOException {
        String ann = "{\"id\": 43, \"image_id\": 1, \"category_id\": 1, \"iscrowd\": 0, \"area\": 4, \"bbox\": [0, 0, 2, 2],"
                + "\"segmentation\": {\"size\": [5, 5], \"counts\": [0, 2, 3, 2, 18]}}";
        // Caught when the file is read, before any training starts.
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> write(ann));
        assertTrue(e.getMessage().contains("annotation id 43") && e.getMessage().contains("does not match"),
                e.getMessage());
    }

    @Test
    void labelsBeyondTheModelAreRejected() throws IOException {
        CocoDataset coco = write(polygonAnn(7, 2, "[2, 1, 4, 3]", "[2, 1, 6, 1, 6, 4, 2, 4]"));
        UserInputException e = assertThrows(UserInputException.class,
                () -> new CocoTrainDataset(coco, new DatasetRoot(dir), LabelMode.CATEGORY_ID, true, Augmentation.NONE, 2));
        assertTrue(e.getMessage().contains("annotation 7"), e.getMessage());
    }

    @Test
    void clippingKeepsUnknownSizesOpen() {
        assertArrayEquals(new double[] {-3, 0, 4, 5}, CocoTrainDataset.clipped(new double[] {-3, -1, 4, 9}, 0, 5));
        assertNull(CocoTrainDataset.clipped(new double[] {6, 0, 8, 2}, 5, 5));
    }
}
