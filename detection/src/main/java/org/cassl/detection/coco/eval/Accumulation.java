package org.cassl.detection.coco.eval;

import java.util.Arrays;

/**
 * pycocotools' {@code accumulate()} result: precision {@code [T][R][K][A][M]}, recall
 * {@code [T][K][A][M]} and the score at each recall threshold {@code [T][R][K][A][M]}, with
 * {@code -1} where a category has no (non-ignored) ground truth in that setting.
 *
 * <p>Per setting: the top-{@code maxDet} detections of every image are pooled and sorted by
 * score (stable), true and false positives are counted cumulatively over non-ignored detections,
 * precision is made monotone from the right, and read at the first point whose recall reaches
 * each recall threshold ({@code searchsorted(..., 'left')}), 0 beyond the last detection.
 */
public final class Accumulation {
    private static final double EPS = Math.ulp(1.0); // np.spacing(1)

    private final EvalParams params;
    private final long[] catIds;
    private final int nT;
    private final int nR;
    private final int nK;
    private final int nA;
    private final int nM;
    private final double[] precision;
    private final double[] recall;
    private final double[] scores;

    private Accumulation(EvalParams params, long[] catIds, int nK) {
        this.params = params;
        this.catIds = catIds;
        this.nT = params.iouThrs().length;
        this.nR = params.recThrs().length;
        this.nK = nK;
        this.nA = params.areaRng().length;
        this.nM = params.maxDets().length;
        precision = new double[nT * nR * nK * nA * nM];
        recall = new double[nT * nK * nA * nM];
        scores = new double[precision.length];
        Arrays.fill(precision, -1);
        Arrays.fill(recall, -1);
        Arrays.fill(scores, -1);
    }

    static Accumulation of(CocoEvaluator ev, int nK, int nI) {
        EvalParams p = ev.params();
        Accumulation acc = new Accumulation(p, p.useCats() ? ev.catIds() : new long[] {-1}, nK);
        EvalImage[] evalImgs = ev.evalImgsUnsafe();
        for (int k = 0; k < nK; k++) {
            for (int a = 0; a < acc.nA; a++) {
                for (int m = 0; m < acc.nM; m++) {
                    acc.accumulateSetting(evalImgs, k, a, m, nI);
                }
            }
        }
        return acc;
    }

    private void accumulateSetting(EvalImage[] evalImgs, int k, int a, int m, int nI) {
        int maxDet = params.maxDets()[m];
        int base = (k * nA + a) * nI;
        int nd = 0;
        int npig = 0;
        int count = 0;
        for (int i = 0; i < nI; i++) {
            EvalImage e = evalImgs[base + i];
            if (e != null) {
                count++;
                nd += Math.min(maxDet, e.dtScores().length);
                for (boolean ig : e.gtIgnore()) {
                    if (!ig) {
                        npig++;
                    }
                }
            }
        }
        if (count == 0 || npig == 0) {
            return;
        }
        double[] dtScores = new double[nd];
        long[][] dtm = new long[nT][nd];
        boolean[][] dtIg = new boolean[nT][nd];
        int p = 0;
        for (int i = 0; i < nI; i++) {
            EvalImage e = evalImgs[base + i];
            if (e == null) {
                continue;
            }
            int n = Math.min(maxDet, e.dtScores().length);
            System.arraycopy(e.dtScores(), 0, dtScores, p, n);
            for (int t = 0; t < nT; t++) {
                System.arraycopy(e.dtMatches()[t], 0, dtm[t], p, n);
                System.arraycopy(e.dtIgnore()[t], 0, dtIg[t], p, n);
            }
            p += n;
        }
        int[] inds = StableSort.argsortDescending(dtScores, nd);
        double[] recThrs = params.recThrs();
        double[] tp = new double[nd];
        double[] fp = new double[nd];
        double[] rc = new double[nd];
        double[] pr = new double[nd];
        for (int t = 0; t < nT; t++) {
            double tpSum = 0;
            double fpSum = 0;
            for (int j = 0; j < nd; j++) {
                int s = inds[j];
                if (!dtIg[t][s]) {
                    if (dtm[t][s] != 0) {
                        tpSum++;
                    } else {
                        fpSum++;
                    }
                }
                tp[j] = tpSum;
                fp[j] = fpSum;
            }
            for (int j = 0; j < nd; j++) {
                rc[j] = tp[j] / npig;
                pr[j] = tp[j] / (fp[j] + tp[j] + EPS);
            }
            recall[recallIndex(t, k, a, m)] = nd > 0 ? rc[nd - 1] : 0;
            for (int j = nd - 1; j > 0; j--) {
                if (pr[j] > pr[j - 1]) {
                    pr[j - 1] = pr[j];
                }
            }
            int j = 0;
            for (int r = 0; r < nR; r++) {
                // searchsorted 'left': the first position whose recall reaches the threshold.
                while (j < nd && rc[j] < recThrs[r]) {
                    j++;
                }
                int idx = precisionIndex(t, r, k, a, m);
                if (j < nd) {
                    precision[idx] = pr[j];
                    scores[idx] = dtScores[inds[j]];
                } else {
                    precision[idx] = 0;
                    scores[idx] = 0;
                }
            }
        }
    }

    private int precisionIndex(int t, int r, int k, int a, int m) {
        return (((t * nR + r) * nK + k) * nA + a) * nM + m;
    }

    private int recallIndex(int t, int k, int a, int m) {
        return ((t * nK + k) * nA + a) * nM + m;
    }

    /** {@code precision[t][r][k][a][m]}. */
    public double precision(int t, int r, int k, int a, int m) {
        return precision[precisionIndex(t, r, k, a, m)];
    }

    /** {@code recall[t][k][a][m]}. */
    public double recall(int t, int k, int a, int m) {
        return recall[recallIndex(t, k, a, m)];
    }

    /** The detection score at which {@code precision[t][r][k][a][m]} is reached. */
    public double score(int t, int r, int k, int a, int m) {
        return scores[precisionIndex(t, r, k, a, m)];
    }

    /** Dimensions {@code [T, R, K, A, M]}. */
    public int[] counts() {
        return new int[] {nT, nR, nK, nA, nM};
    }

    /** The parameters the tables were built with. */
    public EvalParams params() {
        return params;
    }

    /** Category ids along K ({@code [-1]} without {@code useCats}). */
    public long[] catIds() {
        return catIds.clone();
    }

    /**
     * The mean of the precision entries > -1 over the selected thresholds (all when {@code iouThr}
     * is NaN), recall thresholds and categories ({@code k < 0}: all), for one area label and
     * maxDets; -1 when none. {@link CocoSummary} is built from this.
     */
    public double meanPrecision(double iouThr, String areaLabel, int maxDets, int k) {
        int a = params.areaRngLbl().indexOf(areaLabel);
        int m = indexOf(params.maxDets(), maxDets);
        if (a < 0 || m < 0) {
            return -1;
        }
        double[] vals = new double[nT * nR * nK];
        int n = 0;
        for (int t = 0; t < nT; t++) {
            if (!Double.isNaN(iouThr) && params.iouThrs()[t] != iouThr) {
                continue;
            }
            for (int r = 0; r < nR; r++) {
                for (int kk = 0; kk < nK; kk++) {
                    if (k >= 0 && kk != k) {
                        continue;
                    }
                    double v = precision(t, r, kk, a, m);
                    if (v > -1) {
                        vals[n++] = v;
                    }
                }
            }
        }
        return n == 0 ? -1 : NumpyMean.mean(vals, n);
    }

    /** As {@link #meanPrecision} for recall ({@code [T][K]} entries > -1). */
    public double meanRecall(double iouThr, String areaLabel, int maxDets, int k) {
        int a = params.areaRngLbl().indexOf(areaLabel);
        int m = indexOf(params.maxDets(), maxDets);
        if (a < 0 || m < 0) {
            return -1;
        }
        double[] vals = new double[nT * nK];
        int n = 0;
        for (int t = 0; t < nT; t++) {
            if (!Double.isNaN(iouThr) && params.iouThrs()[t] != iouThr) {
                continue;
            }
            for (int kk = 0; kk < nK; kk++) {
                if (k >= 0 && kk != k) {
                    continue;
                }
                double v = recall(t, kk, a, m);
                if (v > -1) {
                    vals[n++] = v;
                }
            }
        }
        return n == 0 ? -1 : NumpyMean.mean(vals, n);
    }

    /**
     * AP of one category (IoU .50:.95, all areas, the largest maxDets), as Detectron-style per-class
     * reports compute it; -1 when the category has no ground truth.
     *
     * @throws IllegalArgumentException for a category id that was not evaluated
     */
    public double categoryAp(long categoryId) {
        return meanPrecision(Double.NaN, params.areaRngLbl().get(0), lastMaxDets(), categoryIndex(categoryId));
    }

    /** AP at IoU 0.5 of one category (all areas, the largest maxDets); -1 without ground truth. */
    public double categoryAp50(long categoryId) {
        return meanPrecision(0.5, params.areaRngLbl().get(0), lastMaxDets(), categoryIndex(categoryId));
    }

    private int lastMaxDets() {
        return params.maxDets()[nM - 1];
    }

    private int categoryIndex(long categoryId) {
        for (int k = 0; k < catIds.length; k++) {
            if (catIds[k] == categoryId) {
                return k;
            }
        }
        throw new IllegalArgumentException("category " + categoryId + " was not evaluated (evaluated: "
                + Arrays.toString(catIds) + ")");
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /** The 12 standard numbers and pycocotools' printed table. */
    public CocoSummary summarize() {
        return CocoSummary.of(this);
    }
}
