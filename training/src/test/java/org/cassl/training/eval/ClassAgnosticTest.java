package org.cassl.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.cassl.detection.coco.Bbox;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoCategory;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoImage;
import org.cassl.detection.coco.eval.CocoEvaluator;
import org.cassl.detection.coco.eval.IouKind;
import org.junit.jupiter.api.Test;

/** Class-agnostic scoring: one category, class-agnostic NMS, localisation counted whatever the class. */
class ClassAgnosticTest {
    private static final List<CocoCategory> CATS = List.of(new CocoCategory(1, "a", "x", Map.of()),
            new CocoCategory(2, "b", "x", Map.of()), new CocoCategory(3, "c", "x", Map.of()));

    private static CocoDataset gt() {
        List<CocoImage> images = List.of(new CocoImage(1, "1.png", 100, 100, Map.of()), new CocoImage(2, "2.png", 100, 100, Map.of()));
        List<CocoAnnotation> anns = List.of(
                CocoAnnotation.groundTruth(10, 1, 1, new Bbox(10, 10, 30, 30), 900, 0, null),
                CocoAnnotation.groundTruth(11, 1, 2, new Bbox(60, 60, 20, 20), 400, 0, null),
                CocoAnnotation.groundTruth(12, 2, 3, new Bbox(5, 5, 50, 40), 2000, 0, null));
        return CocoDataset.of("gt", images, CATS, anns, Map.of());
    }

    @Test
    void groundTruthBecomesOneCategoryWithEverythingElseKept() {
        CocoDataset a = ClassAgnostic.groundTruth(gt());
        assertEquals(1, a.categories().size());
        assertEquals(ClassAgnostic.OBJECT, a.categories().get(0).id());
        assertEquals(3, a.annotations().size());
        for (int i = 0; i < 3; i++) {
            CocoAnnotation before = gt().annotations().get(i);
            CocoAnnotation after = a.annotations().get(i);
            assertEquals(ClassAgnostic.OBJECT, after.categoryId());
            assertEquals(before.id(), after.id());
            assertEquals(before.bbox(), after.bbox());
        }
    }

    @Test
    void overlappingDetectionsOfDifferentClassesKeepOnlyTheBest() {
        List<CocoAnnotation> dets = List.of(
                CocoAnnotation.detection(1, 2, new Bbox(10, 10, 30, 30), null, 0.4),
                CocoAnnotation.detection(1, 1, new Bbox(11, 10, 30, 30), null, 0.7),
                CocoAnnotation.detection(1, 3, new Bbox(60, 60, 20, 20), null, 0.2),
                CocoAnnotation.detection(2, 1, new Bbox(5, 5, 50, 40), null, 0.9),
                CocoAnnotation.detection(2, 2, new Bbox(70, 70, 10, 10), null, 0.8));
        List<CocoAnnotation> kept = ClassAgnostic.detections(dets, 0.6, 100);
        assertEquals(4, kept.size(), "the 0.4 box overlaps the 0.7 one at IoU > 0.6 and goes");
        assertTrue(kept.stream().allMatch(d -> d.categoryId() == ClassAgnostic.OBJECT));
        assertEquals(0.7, kept.get(0).score());
        assertEquals(0.2, kept.get(1).score());
        assertEquals(1, ClassAgnostic.detections(dets, 0.6, 1).stream().filter(d -> d.imageId() == 2).count(),
                "at most maxPerImage per image");
        assertEquals(0.9, ClassAgnostic.detections(dets, 0.6, 1).stream().filter(d -> d.imageId() == 2)
                .findFirst().orElseThrow().score());
    }

    @Test
    void rightBoxesWithWrongClassesScoreZeroWithClassesAndFullWithout() {
        List<CocoAnnotation> wrongClasses = List.of(
                CocoAnnotation.detection(1, 2, new Bbox(10, 10, 30, 30), null, 0.9),
                CocoAnnotation.detection(1, 3, new Bbox(60, 60, 20, 20), null, 0.8),
                CocoAnnotation.detection(2, 1, new Bbox(5, 5, 50, 40), null, 0.7));
        assertEquals(0.0, ap(gt(), wrongClasses), 1e-12);
        assertEquals(1.0, ap(ClassAgnostic.groundTruth(gt()), ClassAgnostic.detections(wrongClasses, 0.6, 100)), 1e-12);
    }

    private static double ap(CocoDataset gt, List<CocoAnnotation> dets) {
        CocoEvaluator ev = CocoEvaluator.forResults(gt, dets, IouKind.BBOX, "detections");
        ev.evaluate();
        return ev.accumulate().summarize().stats()[0];
    }
}
