package org.cassl.detection.coco.eval;

import java.util.Arrays;
import java.util.List;

/**
 * COCO evaluation parameters, pycocotools' {@code Params} for {@code bbox}/{@code segm}.
 *
 * @param iouThrs IoU thresholds {@code [T]} (default {@code linspace(.5, .95, 10)})
 * @param recThrs recall thresholds {@code [R]} (default {@code linspace(0, 1, 101)})
 * @param maxDets detections kept per image {@code [M]} (default {@code [1, 10, 100]}; sorted
 *     ascending before use, the last one is used for matching)
 * @param areaRng object area ranges {@code [A][2]} as {@code [lo, hi]}, inclusive
 * @param areaRngLbl a label per area range ({@code all, small, medium, large})
 * @param useCats whether detections must match their category (false: class-agnostic)
 * @param imgIds the images to evaluate, or {@code null} for all ground-truth images
 * @param catIds the categories to evaluate, or {@code null} for all ground-truth categories
 */
public record EvalParams(
        double[] iouThrs,
        double[] recThrs,
        int[] maxDets,
        double[][] areaRng,
        List<String> areaRngLbl,
        boolean useCats,
        long[] imgIds,
        long[] catIds) {

    public EvalParams {
        if (areaRng.length != areaRngLbl.size()) {
            throw new IllegalArgumentException("areaRng has " + areaRng.length + " ranges but areaRngLbl "
                    + areaRngLbl.size() + " labels");
        }
        if (iouThrs.length == 0 || recThrs.length == 0 || maxDets.length == 0) {
            throw new IllegalArgumentException("iouThrs, recThrs and maxDets must not be empty");
        }
        iouThrs = iouThrs.clone();
        recThrs = recThrs.clone();
        maxDets = maxDets.clone();
        Arrays.sort(maxDets);
        double[][] copy = new double[areaRng.length][];
        for (int i = 0; i < areaRng.length; i++) {
            if (areaRng[i].length != 2) {
                throw new IllegalArgumentException("each area range must be [lo, hi], got " + Arrays.toString(areaRng[i]));
            }
            copy[i] = areaRng[i].clone();
        }
        areaRng = copy;
        areaRngLbl = List.copyOf(areaRngLbl);
        imgIds = imgIds == null ? null : imgIds.clone();
        catIds = catIds == null ? null : catIds.clone();
    }

    /** pycocotools' defaults for {@code bbox} and {@code segm}. */
    public static EvalParams defaults() {
        return new EvalParams(
                linspace(.5, 0.95, (int) Math.round((0.95 - .5) / .05) + 1),
                linspace(.0, 1.00, (int) Math.round((1.00 - .0) / .01) + 1),
                new int[] {1, 10, 100},
                new double[][] {{0, 1e5 * 1e5}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e5 * 1e5}},
                List.of("all", "small", "medium", "large"),
                true,
                null,
                null);
    }

    /** A copy restricted to some images. */
    public EvalParams withImgIds(long[] ids) {
        return new EvalParams(iouThrs, recThrs, maxDets, areaRng, areaRngLbl, useCats, ids, catIds);
    }

    /** A copy restricted to some categories. */
    public EvalParams withCatIds(long[] ids) {
        return new EvalParams(iouThrs, recThrs, maxDets, areaRng, areaRngLbl, useCats, imgIds, ids);
    }

    /** A copy with category matching on or off. */
    public EvalParams withUseCats(boolean on) {
        return new EvalParams(iouThrs, recThrs, maxDets, areaRng, areaRngLbl, on, imgIds, catIds);
    }

    /** A copy with other maximum detection counts. */
    public EvalParams withMaxDets(int... dets) {
        return new EvalParams(iouThrs, recThrs, dets, areaRng, areaRngLbl, useCats, imgIds, catIds);
    }

    /**
     * {@code numpy.linspace(start, stop, num)} bit for bit: {@code i * ((stop - start) / (num - 1)) + start},
     * the last value exactly {@code stop} (so 0.9 is {@code 0.8999999999999999}, as in pycocotools).
     */
    static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        if (num == 1) {
            y[0] = start;
            return y;
        }
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            y[i] = i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }
}
