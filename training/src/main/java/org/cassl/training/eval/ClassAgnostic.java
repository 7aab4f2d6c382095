package org.cassl.training.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cassl.detection.box.Nms;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoCategory;
import org.cassl.detection.coco.CocoDataset;

/**
 * Class-agnostic scoring: every ground-truth object and every detection becomes the one category
 * "object", and the detections of an image first pass a class-agnostic NMS (one box per object
 * whatever class the model gave it). The box AP of that is what the model localises, whatever it
 * gets wrong about classes: a warmup on class-agnostic pseudo-labels is meant to improve exactly
 * this, so reports show it beside the class AP.
 */
public final class ClassAgnostic {
    /** The one category id of class-agnostic scoring. */
    public static final long OBJECT = 1;

    private ClassAgnostic() {
    }

    /** {@code gt} with one category "object" and every annotation in it (ids, boxes, crowd flags kept). */
    public static CocoDataset groundTruth(CocoDataset gt) {
        List<CocoAnnotation> anns = new ArrayList<>(gt.annotations().size());
        for (CocoAnnotation a : gt.annotations()) {
            anns.add(new CocoAnnotation(a.id(), a.imageId(), OBJECT, a.bbox(), a.area(), a.iscrowd(), a.segmentation(),
                    a.score(), a.extras()));
        }
        return CocoDataset.of(gt.source() + " (class-agnostic)", gt.images(),
                List.of(new CocoCategory(OBJECT, "object", "object", Map.of())), anns, gt.topLevelFields());
    }

    /**
     * Detections as category "object" after a class-agnostic NMS per image at {@code iouThreshold}
     * (greedy, by descending score), at most {@code maxPerImage} per image; images keep their order
     * of first appearance.
     */
    public static List<CocoAnnotation> detections(List<CocoAnnotation> results, double iouThreshold, int maxPerImage) {
        Map<Long, List<CocoAnnotation>> byImage = new LinkedHashMap<>();
        for (CocoAnnotation r : results) {
            byImage.computeIfAbsent(r.imageId(), k -> new ArrayList<>()).add(r);
        }
        List<CocoAnnotation> out = new ArrayList<>(results.size());
        for (List<CocoAnnotation> dets : byImage.values()) {
            // a stable sort first, so that equal scores keep the model's order whatever the NMS backend does
            dets.sort(Comparator.comparingDouble(CocoAnnotation::score).reversed());
            float[] boxes = new float[dets.size() * 4];
            float[] scores = new float[dets.size()];
            for (int i = 0; i < dets.size(); i++) {
                CocoAnnotation d = dets.get(i);
                boxes[4 * i] = (float) d.bbox().x();
                boxes[4 * i + 1] = (float) d.bbox().y();
                boxes[4 * i + 2] = (float) (d.bbox().x() + d.bbox().width());
                boxes[4 * i + 3] = (float) (d.bbox().y() + d.bbox().height());
                scores[i] = (float) d.score();
            }
            for (int k : Nms.keep(boxes, scores, iouThreshold, maxPerImage)) {
                CocoAnnotation d = dets.get(k);
                out.add(new CocoAnnotation(d.id(), d.imageId(), OBJECT, d.bbox(), d.area(), d.iscrowd(), d.segmentation(),
                        d.score(), d.extras()));
            }
        }
        return out;
    }
}
