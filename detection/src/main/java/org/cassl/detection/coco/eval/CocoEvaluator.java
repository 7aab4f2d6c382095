package org.cassl.detection.coco.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoFormatException;
import org.cassl.detection.coco.CocoImage;
import org.cassl.detection.coco.mask.MaskOps;
import org.cassl.detection.coco.mask.Masks;
import org.cassl.detection.coco.mask.Rle;

/**
 * COCO evaluation with pycocotools' {@code COCOeval} semantics for {@code bbox} and {@code segm}:
 * {@link #evaluate()} matches detections to ground truth per image, category and area range
 * ({@code evaluateImg}), {@link #accumulate()} builds the precision/recall tables, and
 * {@link Accumulation#summarize()} the 12 standard numbers and pycocotools' printed table.
 *
 * <pre>{@code
 * CocoDataset gt = CocoReader.read(gtPath);
 * List<CocoAnnotation> results = CocoReader.readResults(dtPath);
 * CocoSummary s = CocoEvaluator.forResults(gt, results, IouKind.BBOX, dtPath.toString()).accumulate().summarize();
 * }</pre>
 *
 * <p>Detections must already be in loadRes form (see {@link LoadRes}); {@link #forResults} does that.
 */
public final class CocoEvaluator {
    private final CocoDataset gt;
    private final List<CocoAnnotation> dts;
    private final IouKind iouType;
    private final EvalParams params;
    private final long[] imgIds;
    private final long[] catIds;
    private EvalImage[] evalImgs;

    /**
     * @param gt the ground truth
     * @param dts detections in loadRes form (ids, areas and boxes filled in)
     * @param iouType what to compare
     * @param params evaluation parameters ({@link EvalParams#defaults()} for pycocotools')
     */
    public CocoEvaluator(CocoDataset gt, List<CocoAnnotation> dts, IouKind iouType, EvalParams params) {
        this.gt = gt;
        this.dts = dts;
        this.iouType = iouType;
        this.params = params;
        this.imgIds = sortedUnique(params.imgIds() != null ? params.imgIds() : gt.imageIdsSorted());
        this.catIds = sortedUnique(params.catIds() != null ? params.catIds() : gt.categoryIdsSorted());
    }

    /** Applies {@link LoadRes} to raw results and evaluates with pycocotools' default parameters. */
    public static CocoEvaluator forResults(CocoDataset gt, List<CocoAnnotation> results, IouKind iouType, String source) {
        return new CocoEvaluator(gt, LoadRes.loadRes(gt, results, source), iouType, EvalParams.defaults());
    }

    /** The evaluation parameters. */
    public EvalParams params() {
        return params;
    }

    /** What is compared (boxes or masks). */
    public IouKind iouType() {
        return iouType;
    }

    /** The evaluated image ids, sorted ({@code [I]}). */
    public long[] imgIds() {
        return imgIds.clone();
    }

    /** The evaluated category ids, sorted ({@code [K]}). */
    public long[] catIds() {
        return catIds.clone();
    }

    /** Whether {@link #evaluate()} has run. */
    public boolean isEvaluated() {
        return evalImgs != null;
    }

    /**
     * Matches detections to ground truth for every category (or once, without {@code useCats}),
     * area range and image.
     *
     * @throws CocoFormatException naming the annotation when a ground truth lacks {@code area}, or
     *     (for {@code segm}) a segmentation cannot be turned into a mask of its image's size
     */
    public void evaluate() {
        Map<Long, Integer> imgIndex = indexOf(imgIds);
        Map<Long, Integer> catIndex = indexOf(catIds);
        int nI = imgIds.length;
        Items g = Items.collect(gt.annotations(), imgIndex, catIndex, nI, catIds.length, true, this);
        Items d = Items.collect(dts, imgIndex, catIndex, nI, catIds.length, false, this);
        int kEval = params.useCats() ? catIds.length : 1;
        int nA = params.areaRng().length;
        int maxDet = params.maxDets()[params.maxDets().length - 1];
        evalImgs = new EvalImage[kEval * nA * nI];
        for (int k = 0; k < kEval; k++) {
            for (int i = 0; i < nI; i++) {
                int[] gts = params.useCats() ? g.cell(k, i) : g.allCategories(i);
                int[] dtAll = params.useCats() ? d.cell(k, i) : d.allCategories(i);
                if (gts.length == 0 && dtAll.length == 0) {
                    continue;
                }
                int[] dtSorted = StableSort.byDescendingKey(d.score, dtAll);
                if (dtSorted.length > maxDet) {
                    dtSorted = Arrays.copyOf(dtSorted, maxDet);
                }
                double[][] ious = computeIoU(g, gts, d, dtSorted);
                long catId = params.useCats() ? catIds[k] : -1;
                for (int a = 0; a < nA; a++) {
                    evalImgs[(k * nA + a) * nI + i] = ImageMatcher.evaluateImg(imgIds[i], catId, params, a, maxDet,
                            g, gts, d, dtSorted, ious);
                }
            }
        }
    }

    /** The IoU matrix {@code [D][G]} with ground truths in file order; empty when either side is. */
    private double[][] computeIoU(Items g, int[] gts, Items d, int[] dtSorted) {
        if (gts.length == 0 || dtSorted.length == 0) {
            return new double[0][0];
        }
        boolean[] crowd = new boolean[gts.length];
        for (int j = 0; j < gts.length; j++) {
            crowd[j] = g.crowd[gts[j]];
        }
        if (iouType == IouKind.SEGM) {
            List<Rle> gr = new ArrayList<>(gts.length);
            for (int j : gts) {
                gr.add(g.rle[j]);
            }
            List<Rle> dr = new ArrayList<>(dtSorted.length);
            for (int j : dtSorted) {
                dr.add(d.rle[j]);
            }
            return MaskOps.iou(dr, gr, crowd);
        }
        double[][] gb = new double[gts.length][];
        for (int j = 0; j < gts.length; j++) {
            gb[j] = g.box[gts[j]];
        }
        double[][] db = new double[dtSorted.length][];
        for (int j = 0; j < dtSorted.length; j++) {
            db[j] = d.box[dtSorted[j]];
        }
        return MaskOps.boxIou(db, gb, crowd);
    }

    /** The mask of an annotation (ground truth or detection) on its image. */
    Rle maskOf(CocoAnnotation a, boolean isGt) {
        CocoImage im = gt.image(a.imageId());
        String what = (isGt ? gt.source() + ": annotation id " : "detection id ") + a.id() + " (image " + a.imageId() + ")";
        if (im == null) {
            throw new CocoFormatException(what + ": image " + a.imageId() + " is not in " + gt.source());
        }
        if (a.segmentation() == null) {
            throw new CocoFormatException(what + ": has no 'segmentation', needed for segm evaluation");
        }
        return Masks.toRle(a.segmentation(), im.height(), im.width(), what);
    }

    /**
     * The evaluation of category index {@code k} (0 without {@code useCats}), area range index
     * {@code a} and image index {@code i}; {@code null} where the image has neither ground truth nor
     * detections there.
     */
    public EvalImage evalImage(int k, int a, int i) {
        requireEvaluated();
        return evalImgs[(k * params.areaRng().length + a) * imgIds.length + i];
    }

    /** Runs {@link #evaluate()} if needed, then builds the precision and recall tables. */
    public Accumulation accumulate() {
        if (evalImgs == null) {
            evaluate();
        }
        return Accumulation.of(this, params.useCats() ? catIds.length : 1, imgIds.length);
    }

    private void requireEvaluated() {
        if (evalImgs == null) {
            throw new IllegalStateException("call evaluate() first");
        }
    }

    private static long[] sortedUnique(long[] ids) {
        return Arrays.stream(ids).sorted().distinct().toArray();
    }

    private static Map<Long, Integer> indexOf(long[] ids) {
        Map<Long, Integer> m = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            m.put(ids[i], i);
        }
        return m;
    }

    /**
     * Ground truths or detections of the evaluated images and categories in flat arrays, grouped
     * per (category, image) cell in file order.
     */
    static final class Items {
        final long[] id;
        final double[] area;
        final double[] score;
        final boolean[] crowd;
        final double[][] box;
        final Rle[] rle;
        private final int[] cellStart;
        private final int[] cellItems;
        private final int nI;
        private final int nK;

        private Items(int n, int nK, int nI) {
            id = new long[n];
            area = new double[n];
            score = new double[n];
            crowd = new boolean[n];
            box = new double[n][];
            rle = new Rle[n];
            cellStart = new int[nK * nI + 1];
            cellItems = new int[n];
            this.nI = nI;
            this.nK = nK;
        }

        static Items collect(List<CocoAnnotation> anns, Map<Long, Integer> imgIndex, Map<Long, Integer> catIndex,
                int nI, int nK, boolean isGt, CocoEvaluator ev) {
            List<CocoAnnotation> kept = new ArrayList<>();
            List<Integer> cells = new ArrayList<>();
            for (CocoAnnotation a : anns) {
                Integer i = imgIndex.get(a.imageId());
                Integer k = catIndex.get(a.categoryId());
                if (i != null && k != null) {
                    kept.add(a);
                    cells.add(k * nI + i);
                }
            }
            Items it = new Items(kept.size(), nK, nI);
            for (int j = 0; j < kept.size(); j++) {
                CocoAnnotation a = kept.get(j);
                if (!a.hasArea()) {
                    throw new CocoFormatException((isGt ? ev.gt.source() + ": annotation id " : "detection id ") + a.id()
                            + ": missing 'area', which COCO evaluation needs for the area ranges");
                }
                it.id[j] = a.id();
                it.area[j] = a.area();
                it.score[j] = a.score();
                it.crowd[j] = isGt && a.isCrowd();
                if (ev.iouType == IouKind.SEGM) {
                    it.rle[j] = ev.maskOf(a, isGt);
                } else {
                    if (a.bbox() == null) {
                        throw new CocoFormatException("detection id " + a.id() + ": has no 'bbox'");
                    }
                    it.box[j] = a.bbox().toArray();
                }
                it.cellStart[cells.get(j) + 1]++;
            }
            for (int c = 0; c < nK * nI; c++) {
                it.cellStart[c + 1] += it.cellStart[c];
            }
            int[] fill = Arrays.copyOf(it.cellStart, nK * nI);
            for (int j = 0; j < kept.size(); j++) {
                it.cellItems[fill[cells.get(j)]++] = j;
            }
            return it;
        }

        /** Items of category index {@code k} on image index {@code i}, in file order. */
        int[] cell(int k, int i) {
            int c = k * nI + i;
            return Arrays.copyOfRange(cellItems, cellStart[c], cellStart[c + 1]);
        }

        /** Items of every category on image {@code i}: category order, then file order (pycocotools without useCats). */
        int[] allCategories(int i) {
            int n = 0;
            for (int k = 0; k < nK; k++) {
                n += cellStart[k * nI + i + 1] - cellStart[k * nI + i];
            }
            int[] out = new int[n];
            int p = 0;
            for (int k = 0; k < nK; k++) {
                int c = k * nI + i;
                for (int j = cellStart[c]; j < cellStart[c + 1]; j++) {
                    out[p++] = cellItems[j];
                }
            }
            return out;
        }
    }

    /** Internal access for {@link Accumulation}. */
    EvalImage[] evalImgsUnsafe() {
        return evalImgs;
    }
}
