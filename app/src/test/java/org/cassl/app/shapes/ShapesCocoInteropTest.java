package org.cassl.app.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoImage;
import org.cassl.detection.coco.CocoReader;
import org.cassl.detection.coco.mask.Masks;
import org.cassl.detection.coco.mask.Rle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files read back through the detection module's COCO reader and its pycocotools-semantics
 * polygon rasteriser give exactly the masks, areas and boxes the generator drew.
 */
class ShapesCocoInteropTest {
    @TempDir
    Path tmp;

    @Test
    void detectionModuleDecodesTheVisibleMasksExactly() throws IOException {
        ShapesConfig config = ShapesConfig.defaults().withSeed(13);
        ShapesGenerator generator = new ShapesGenerator(config);
        Path root = tmp.resolve("ds");
        generator.write(root, 6, 8, 0, false, 2);
        int checked = 0;
        for (Map.Entry<Split, String> file : Map.of(Split.LABELED, ShapesGenerator.LABELED_JSON,
                Split.UNLABELED, ShapesGenerator.UNLABELED_GT_JSON).entrySet()) {
            CocoDataset coco = CocoReader.read(root.resolve(file.getValue()));
            for (CocoImage image : coco.images()) {
                ShapesImage rendered = generator.render(file.getKey(), (int) image.id() - 1);
                List<CocoAnnotation> annotations = coco.annotationsForImage(image.id());
                assertEquals(rendered.instances().size(), annotations.size());
                for (int k = 0; k < annotations.size(); k++) {
                    CocoAnnotation a = annotations.get(k);
                    ShapeInstance truth = rendered.instances().get(k);
                    Rle rle = Masks.toRle(a, image.height(), image.width());
                    byte[] expected = new byte[image.width() * image.height()];
                    for (int y = 0; y < image.height(); y++) {
                        for (int x = 0; x < image.width(); x++) {
                            expected[y * image.width() + x] = (byte) (truth.visibleAt(x, y) ? 1 : 0);
                        }
                    }
                    assertArrayEquals(expected, rle.decode(), "annotation " + a.id() + " mask");
                    assertEquals(a.area(), rle.area(), 0.0);
                    assertArrayEquals(a.bbox().toArray(), rle.toBbox().toArray(), 0.0);
                    assertEquals(truth.categoryId(), a.categoryId());
                    checked++;
                }
            }
        }
        assertTrue(checked > 40, "checked " + checked);
    }
}
