package org.cassl.detection.coco.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cassl.detection.coco.Bbox;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoCategory;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoFormatException;
import org.cassl.detection.coco.CocoImage;
import org.cassl.detection.coco.Segmentation;
import org.cassl.detection.coco.mask.Masks;
import org.cassl.detection.coco.mask.PolygonRasterizer;
import org.junit.jupiter.api.Test;

/** Small cases whose COCO numbers can be worked out by hand from pycocotools' rules. */
class CocoEvaluatorTest {
    private static final double EPS = Math.ulp(1.0);

    private static CocoAnnotation gt(long id, long img, long cat, double x, double y, double w, double h, int crowd) {
        return CocoAnnotation.groundTruth(id, img, cat, new Bbox(x, y, w, h), w * h, crowd,
                Masks.boxPolygon(x, y, w, h));
    }

    private static CocoAnnotation det(long img, long cat, double x, double y, double w, double h, double score) {
        return CocoAnnotation.detection(img, cat, new Bbox(x, y, w, h), null, score);
    }

    private static CocoDataset dataset(List<CocoAnnotation> anns, long... cats) {
        List<CocoCategory> cs = new ArrayList<>();
        for (long c : cats) {
            cs.add(new CocoCategory(c, "c" + c, null));
        }
        return CocoDataset.of("gt", List.of(new CocoImage(1, "1.png", 100, 100), new CocoImage(2, "2.png", 100, 100)),
                cs, anns, Map.of());
    }

    private static CocoSummary summarize(CocoDataset gt, List<CocoAnnotation> dets, IouKind type) {
        return CocoEvaluator.forResults(gt, dets, type, "dt").accumulate().summarize();
    }

    /** Two small objects; detections TP (0.9), FP (0.8), TP (0.7). */
    private static final List<CocoAnnotation> TWO_GTS = List.of(gt(1, 1, 1, 10, 10, 20, 20, 0), gt(2, 1, 1, 50, 50, 20, 20, 0));
    private static final List<CocoAnnotation> TP_FP_TP = List.of(det(1, 1, 10, 10, 20, 20, 0.9),
            det(1, 1, 0, 80, 10, 10, 0.8), det(1, 1, 50, 50, 20, 20, 0.7));

    @Test
    void handComputedPrecisionEnvelope() {
        CocoSummary s = summarize(dataset(TWO_GTS, 1), TP_FP_TP, IouKind.BBOX);
        // rc = [.5, .5, 1], pr = [1/(1+eps), 1/(2+eps), 2/(3+eps)] -> envelope [p0, p2, p2];
        // recall thresholds 0..0.50 (51 of them) read p0, 0.51..1 (50) read p2.
        double p0 = 1 / (1 + EPS);
        double p2 = 2 / (3 + EPS);
        double ap = (51 * p0 + 50 * p2) / 101;
        double[] want = {ap, ap, ap, ap, -1, -1, 0.5, 1, 1, 1, -1, -1};
        assertArrayEquals(want, s.stats(), 1e-12);
        assertEquals(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.835\n"
                + " Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.835\n"
                + " Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ] = 0.835\n"
                + " Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 0.835\n"
                + " Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000\n"
                + " Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000\n"
                + " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.500\n"
                + " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ] = 1.000\n"
                + " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000\n"
                + " Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 1.000\n"
                + " Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000\n"
                + " Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000\n", s.text());
        assertEquals(ap, s.get("AP"), 0.0);
    }

    @Test
    void evalImageRecordsTheMatching() {
        CocoEvaluator ev = CocoEvaluator.forResults(dataset(TWO_GTS, 1), TP_FP_TP, IouKind.BBOX, "dt");
        ev.evaluate();
        EvalImage e = ev.evalImage(0, 0, 0); // category 1, area all, image 1
        assertArrayEquals(new long[] {1, 2, 3}, e.dtIds());
        assertArrayEquals(new long[] {1, 2}, e.gtIds());
        assertArrayEquals(new long[] {1, 0, 2}, e.dtMatches()[9]);
        assertArrayEquals(new long[] {1, 3}, e.gtMatches()[0]);
        assertNull(ev.evalImage(0, 0, 1), "image 2 has neither ground truth nor detections");
        EvalImage medium = ev.evalImage(0, 2, 0);
        assertArrayEquals(new boolean[] {true, true}, medium.gtIgnore());
        // Matched to ignored gts -> ignored; the unmatched small FP is outside the range -> ignored too.
        assertArrayEquals(new boolean[] {true, true, true}, medium.dtIgnore()[0]);
    }

    @Test
    void stableOrderDecidesBetweenTiedScores() {
        CocoDataset ds = dataset(List.of(gt(1, 1, 1, 10, 10, 20, 20, 0)), 1);
        CocoAnnotation fp = det(1, 1, 60, 60, 20, 20, 0.5);
        CocoAnnotation tp = det(1, 1, 10, 10, 20, 20, 0.5);
        // Same score: file order decides (mergesort). FP first -> envelope 0.5 everywhere; TP first -> 1.
        assertEquals(1 / (2 + EPS), summarize(ds, List.of(fp, tp), IouKind.BBOX).stats()[0], 1e-12);
        assertEquals(1 / (1 + EPS), summarize(ds, List.of(tp, fp), IouKind.BBOX).stats()[0], 1e-12);
    }

    @Test
    void crowdRegionsSwallowDetectionsInsteadOfCountingThemFalse() {
        List<CocoAnnotation> withCrowd = List.of(gt(1, 1, 1, 0, 0, 50, 50, 1), gt(2, 1, 1, 60, 60, 20, 20, 0));
        List<CocoAnnotation> dets = List.of(det(1, 1, 10, 10, 10, 10, 0.95), det(1, 1, 30, 30, 10, 10, 0.9),
                det(1, 1, 60, 60, 20, 20, 0.5));
        for (IouKind type : IouKind.values()) {
            CocoSummary s = summarize(dataset(withCrowd, 1), dets, type);
            assertEquals(1 / (1 + EPS), s.stats()[0], 1e-12, type.cocoName());
            assertEquals(1.0, s.stats()[8], 1e-12, type.cocoName());
        }
        // The same region as an ordinary object: both detections inside it are false positives ranked first.
        List<CocoAnnotation> noCrowd = List.of(gt(1, 1, 1, 0, 0, 50, 50, 0), gt(2, 1, 1, 60, 60, 20, 20, 0));
        CocoSummary s = summarize(dataset(noCrowd, 1), dets, IouKind.BBOX);
        assertTrue(s.stats()[0] < 0.5, "AP " + s.stats()[0]);
    }

    @Test
    void maxDetsAndAreaRanges() {
        List<CocoAnnotation> gts = List.of(gt(1, 1, 1, 0, 0, 10, 10, 0), gt(2, 1, 1, 20, 20, 50, 50, 0),
                gt(3, 1, 1, 0, 0, 100, 100, 0));
        List<CocoAnnotation> dets = List.of(det(1, 1, 0, 0, 10, 10, 0.9), det(1, 1, 20, 20, 50, 50, 0.8),
                det(1, 1, 0, 0, 100, 100, 0.7));
        CocoSummary s = summarize(dataset(gts, 1), dets, IouKind.BBOX);
        assertEquals(1.0 / 3, s.get("AR1"), 1e-12);
        assertEquals(1.0, s.get("AR10"), 1e-12);
        for (String name : List.of("APs", "APm", "APl", "ARs", "ARm", "ARl")) {
            assertEquals(name.startsWith("AP") ? 1 / (1 + EPS) : 1.0, s.get(name), 1e-12, name);
        }
    }

    @Test
    void categoriesMatterUnlessUseCatsIsOff() {
        CocoDataset ds = dataset(List.of(gt(1, 1, 1, 10, 10, 20, 20, 0), gt(2, 2, 2, 10, 10, 20, 20, 0)), 1, 2);
        List<CocoAnnotation> dets = List.of(det(1, 1, 10, 10, 20, 20, 0.9), det(2, 1, 10, 10, 20, 20, 0.8));
        CocoEvaluator byCat = CocoEvaluator.forResults(ds, dets, IouKind.BBOX, "dt");
        Accumulation acc = byCat.accumulate();
        assertEquals(1 / (1 + EPS), acc.categoryAp(1), 1e-12);
        assertEquals(0.0, acc.categoryAp(2), 0.0); // no detection of category 2
        assertEquals(0.5 / (1 + EPS), acc.summarize().stats()[0], 1e-12);
        assertThrows(IllegalArgumentException.class, () -> acc.categoryAp(9));

        CocoEvaluator agnostic = new CocoEvaluator(ds, LoadRes.loadRes(ds, dets, "dt"), IouKind.BBOX,
                EvalParams.defaults().withUseCats(false));
        assertEquals(1 / (1 + EPS), agnostic.accumulate().summarize().stats()[0], 1e-12);
    }

    @Test
    void segmUsesMasksAndBoxResultsBecomeCornerPolygons() {
        CocoDataset ds = dataset(List.of(gt(1, 1, 1, 10, 10, 20, 20, 0)), 1);
        // A compressed-RLE result of the same box, and a box-only result (rasterised as its corner polygon).
        String counts = PolygonRasterizer.rasterizeBox(10, 10, 20, 20, 100, 100).toCompressedString();
        CocoAnnotation rle = CocoAnnotation.detection(1, 1, null, new Segmentation.CompressedRle(100, 100, counts), 0.9);
        assertEquals(1 / (1 + EPS), summarize(ds, List.of(rle), IouKind.SEGM).stats()[0], 1e-12);
        assertEquals(1 / (1 + EPS), summarize(ds, List.of(det(1, 1, 10, 10, 20, 20, 0.9)), IouKind.SEGM).stats()[0], 1e-12);
        // Half the box: mask IoU 0.5 -> matched only at the 0.5 threshold.
        String half = PolygonRasterizer.rasterizeBox(10, 10, 10, 20, 100, 100).toCompressedString();
        CocoAnnotation halfDet = CocoAnnotation.detection(1, 1, null, new Segmentation.CompressedRle(100, 100, half), 0.9);
        CocoSummary s = summarize(ds, List.of(halfDet), IouKind.SEGM);
        assertEquals(1 / (1 + EPS), s.get("AP50"), 1e-12);
        assertEquals(0.0, s.get("AP75"), 0.0);
    }

    @Test
    void loadResFillsAreasBoxesAndIds() {
        CocoDataset ds = dataset(TWO_GTS, 1);
        String counts = PolygonRasterizer.rasterizeBox(10, 10, 20, 5, 100, 100).toCompressedString();
        Segmentation seg = new Segmentation.CompressedRle(100, 100, counts);
        List<CocoAnnotation> segm = LoadRes.loadRes(ds, List.of(CocoAnnotation.detection(1, 1, null, seg, 0.5)), "dt");
        assertEquals(100.0, segm.get(0).area());
        assertEquals(new Bbox(10, 10, 20, 5), segm.get(0).bbox());
        assertEquals(1, segm.get(0).id());
        // Box mode (decided by the first result): area = w * h even with a segmentation present.
        List<CocoAnnotation> box = LoadRes.loadRes(ds, List.of(det(1, 1, 0, 0, 3, 7, 0.5),
                CocoAnnotation.detection(1, 1, new Bbox(0, 0, 50, 50), seg, 0.4)), "dt");
        assertEquals(21.0, box.get(0).area());
        assertEquals(2500.0, box.get(1).area());
        assertEquals(2, box.get(1).id());
        assertTrue(box.get(0).segmentation() instanceof Segmentation.Polygons);
    }

    @Test
    void emptyResultsScoreZeroWhereThereIsGroundTruth() {
        CocoSummary s = summarize(dataset(TWO_GTS, 1), List.of(), IouKind.BBOX);
        assertArrayEquals(new double[] {0, 0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1}, s.stats(), 0.0);
    }

    @Test
    void badInputsNameTheCulprit() {
        CocoDataset ds = dataset(TWO_GTS, 1);
        var unknown = assertThrows(CocoFormatException.class,
                () -> CocoEvaluator.forResults(ds, List.of(det(5, 1, 0, 0, 1, 1, 0.5)), IouKind.BBOX, "dt.json"));
        assertTrue(unknown.getMessage().contains("dt.json: result 1") && unknown.getMessage().contains("image_id 5"),
                unknown.getMessage());
        CocoAnnotation noArea = CocoAnnotation.groundTruth(9, 1, 1, new Bbox(0, 0, 1, 1), Double.NaN, 0, null);
        CocoDataset noAreaDs = dataset(List.of(noArea), 1);
        var area = assertThrows(CocoFormatException.class,
                () -> CocoEvaluator.forResults(noAreaDs, List.of(), IouKind.BBOX, "dt").evaluate());
        assertTrue(area.getMessage().contains("annotation id 9") && area.getMessage().contains("missing 'area'"),
                area.getMessage());
        var noSeg = assertThrows(CocoFormatException.class, () -> CocoEvaluator.forResults(
                dataset(List.of(CocoAnnotation.groundTruth(8, 1, 1, new Bbox(0, 0, 1, 1), 1, 0, null)), 1),
                List.of(), IouKind.SEGM, "dt").evaluate());
        assertTrue(noSeg.getMessage().contains("annotation id 8") && noSeg.getMessage().contains("segmentation"),
                noSeg.getMessage());
    }
}
