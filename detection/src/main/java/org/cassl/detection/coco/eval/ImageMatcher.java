package org.cassl.detection.coco.eval;

/**
 * pycocotools' {@code evaluateImg}: the greedy matching of one image and category under one area
 * range, for every IoU threshold.
 */
final class ImageMatcher {
    private ImageMatcher() {}

    /**
     * @param gts ground-truth items in file order
     * @param dtSorted detection items by descending score, cut to {@code maxDet}
     * @param ious {@code [D][G]} against {@code gts} in file order (empty when either side is)
     * @return the evaluation, or {@code null} where there is neither ground truth nor detection
     */
    static EvalImage evaluateImg(long imgId, long catId, EvalParams p, int areaIndex, int maxDet,
            CocoEvaluator.Items g, int[] gts, CocoEvaluator.Items d, int[] dtSorted, double[][] ious) {
        if (gts.length == 0 && dtSorted.length == 0) {
            return null;
        }
        double lo = p.areaRng()[areaIndex][0];
        double hi = p.areaRng()[areaIndex][1];
        int nG = gts.length;
        // Non-ignored ground truths first, each group in file order (a stable sort on the flag).
        int[] gtind = new int[nG];
        boolean[] gtIg = new boolean[nG];
        int pos = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < nG; j++) {
                int item = gts[j];
                boolean ignore = g.crowd[item] || g.area[item] < lo || g.area[item] > hi;
                if (ignore == (pass == 1)) {
                    gtind[pos] = j;
                    gtIg[pos] = ignore;
                    pos++;
                }
            }
        }
        int nD = Math.min(dtSorted.length, maxDet);
        double[] thr = p.iouThrs();
        int nT = thr.length;
        long[] gtIds = new long[nG];
        boolean[] crowd = new boolean[nG];
        for (int j = 0; j < nG; j++) {
            gtIds[j] = g.id[gts[gtind[j]]];
            crowd[j] = g.crowd[gts[gtind[j]]];
        }
        long[] dtIds = new long[nD];
        double[] dtScores = new double[nD];
        for (int j = 0; j < nD; j++) {
            dtIds[j] = d.id[dtSorted[j]];
            dtScores[j] = d.score[dtSorted[j]];
        }
        long[][] gtm = new long[nT][nG];
        long[][] dtm = new long[nT][nD];
        boolean[][] dtIg = new boolean[nT][nD];
        if (ious.length != 0) {
            for (int t = 0; t < nT; t++) {
                for (int di = 0; di < nD; di++) {
                    double best = Math.min(thr[t], 1 - 1e-10);
                    int m = -1;
                    double[] row = ious[di];
                    for (int gi = 0; gi < nG; gi++) {
                        // A matched ground truth is taken, unless it is a crowd region.
                        if (gtm[t][gi] > 0 && !crowd[gi]) {
                            continue;
                        }
                        // Already matched to a real object: ignored ones (sorted last) cannot do better.
                        if (m > -1 && !gtIg[m] && gtIg[gi]) {
                            break;
                        }
                        double iou = row[gtind[gi]];
                        if (iou < best) {
                            continue;
                        }
                        best = iou;
                        m = gi;
                    }
                    if (m == -1) {
                        continue;
                    }
                    dtIg[t][di] = gtIg[m];
                    dtm[t][di] = gtIds[m];
                    gtm[t][m] = dtIds[di];
                }
            }
        }
        // Unmatched detections outside the area range do not count as false positives.
        for (int di = 0; di < nD; di++) {
            double area = d.area[dtSorted[di]];
            boolean outside = area < lo || area > hi;
            if (outside) {
                for (int t = 0; t < nT; t++) {
                    if (dtm[t][di] == 0) {
                        dtIg[t][di] = true;
                    }
                }
            }
        }
        return new EvalImage(imgId, catId, p.areaRng()[areaIndex].clone(), maxDet, dtIds, gtIds, dtm, gtm, dtScores,
                gtIg, dtIg);
    }
}
