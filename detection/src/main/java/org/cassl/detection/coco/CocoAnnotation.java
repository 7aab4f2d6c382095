package org.cassl.detection.coco;

import java.util.Map;

/**
 * One COCO annotation (ground truth) or one detection result.
 *
 * <p>Optional numbers use {@code NaN} for "absent" so that the record stays small for the
 * hundreds of thousands of annotations in COCO train.
 *
 * @param id the annotation id (results: 1..N in file order, as pycocotools' {@code loadRes})
 * @param imageId the {@code image_id}
 * @param categoryId the {@code category_id}
 * @param bbox the box, or {@code null} (only for a segmentation-only result before {@code loadRes})
 * @param area the {@code area} field, or {@code NaN} where absent
 * @param iscrowd the {@code iscrowd} flag (0 where absent)
 * @param segmentation the segmentation, or {@code null} where absent
 * @param score the detection {@code score}, or {@code NaN} where absent (ground truth)
 * @param extras every other field (e.g. {@code teacher_category_id}, {@code teacher_score}) as
 *     plain Java values, in file order
 */
public record CocoAnnotation(
        long id,
        long imageId,
        long categoryId,
        Bbox bbox,
        double area,
        int iscrowd,
        Segmentation segmentation,
        double score,
        Map<String, Object> extras) {

    public CocoAnnotation {
        extras = JsonValues.freeze(extras);
    }

    /** A ground-truth annotation without score or extra fields. */
    public static CocoAnnotation groundTruth(long id, long imageId, long categoryId, Bbox bbox, double area,
            int iscrowd, Segmentation segmentation) {
        return new CocoAnnotation(id, imageId, categoryId, bbox, area, iscrowd, segmentation, Double.NaN, Map.of());
    }

    /** A detection result (box and score, optional segmentation); the id is assigned when loaded for evaluation. */
    public static CocoAnnotation detection(long imageId, long categoryId, Bbox bbox, Segmentation segmentation, double score) {
        return new CocoAnnotation(0, imageId, categoryId, bbox, Double.NaN, 0, segmentation, score, Map.of());
    }

    /** Whether the {@code area} field is present. */
    public boolean hasArea() {
        return !Double.isNaN(area);
    }

    /** Whether the {@code score} field is present. */
    public boolean hasScore() {
        return !Double.isNaN(score);
    }

    /** Whether {@code iscrowd} is set (pycocotools then ignores the region and matches it by {@code intersection / dt area}). */
    public boolean isCrowd() {
        return iscrowd != 0;
    }

    /** An extra numeric field (e.g. {@code teacher_score}), or {@code NaN} where absent or not a number. */
    public double extraDouble(String name) {
        return extras.get(name) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** An extra integer field (e.g. {@code teacher_category_id}), or {@code fallback} where absent or not an integer. */
    public long extraLong(String name, long fallback) {
        Object v = extras.get(name);
        return (v instanceof Long || v instanceof Integer || v instanceof Short) ? ((Number) v).longValue() : fallback;
    }

    /** A copy with other id, area, box and crowd flag (what {@code loadRes} fills in). */
    public CocoAnnotation withLoadResFields(long newId, Bbox newBbox, double newArea, int newIscrowd, Segmentation newSegmentation) {
        return new CocoAnnotation(newId, imageId, categoryId, newBbox, newArea, newIscrowd, newSegmentation, score, extras);
    }

    /** A copy with extra fields replaced. */
    public CocoAnnotation withExtras(Map<String, Object> newExtras) {
        return new CocoAnnotation(id, imageId, categoryId, bbox, area, iscrowd, segmentation, score, newExtras);
    }
}
