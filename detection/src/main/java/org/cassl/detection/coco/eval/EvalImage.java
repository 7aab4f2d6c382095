package org.cassl.detection.coco.eval;

/**
 * The matching of one image and category (or all categories, without {@code useCats}) under one
 * area range: pycocotools' {@code evaluateImg} result. Detections are in score order (stable),
 * cut to the largest {@code maxDets}; ground truths have the non-ignored ones first.
 *
 * @param imageId the image
 * @param categoryId the category ({@code -1} without {@code useCats})
 * @param areaRng the area range {@code [lo, hi]}
 * @param maxDet detections considered
 * @param dtIds detection ids {@code [D]}
 * @param gtIds ground-truth ids {@code [G]}
 * @param dtMatches the matched ground-truth id per threshold and detection {@code [T][D]}, 0 for none
 * @param gtMatches the matched detection id per threshold and ground truth {@code [T][G]}, 0 for none
 * @param dtScores detection scores {@code [D]}
 * @param gtIgnore whether each ground truth is ignored (crowd, or area outside the range) {@code [G]}
 * @param dtIgnore whether each detection is ignored per threshold {@code [T][D]}: matched to an
 *     ignored ground truth, or unmatched with its area outside the range
 */
public record EvalImage(
        long imageId,
        long categoryId,
        double[] areaRng,
        int maxDet,
        long[] dtIds,
        long[] gtIds,
        long[][] dtMatches,
        long[][] gtMatches,
        double[] dtScores,
        boolean[] gtIgnore,
        boolean[][] dtIgnore) {}
