package org.cassl.training.api;

import org.cassl.training.eval.DetectionResults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.cassl.detection.coco.Bbox;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoReader;
import org.cassl.detection.coco.Segmentation;
import org.cassl.detection.coco.eval.CocoEvaluator;
import org.cassl.detection.coco.eval.CocoSummary;

/**
 * COCO evaluation with pycocotools' semantics (what {@code cassl eval} prints), returning the 12
 * summary stats as a record.
 *
 * <pre>{@code
 * CocoStats s = CocoEvaluation.evaluate(Path.of("val.json"), Path.of("results.json"), IouType.BBOX);
 * System.out.println("AP " + s.ap() + ", AP50 " + s.ap50());
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class CocoEvaluation {
    private CocoEvaluation() {
    }

    /**
     * Evaluates a COCO results file (a JSON array of {@code {image_id, category_id, bbox, score}}
     * and, for masks, {@code segmentation}) against ground truth.
     *
     * @param groundTruth a COCO annotation file
     * @param detections  a COCO results file
     * @param iouType     boxes or masks
     * @return the 12 stats
     * @throws NullPointerException if an argument is null
     * @throws DataException        if a file is missing or malformed
     */
    public static CocoStats evaluate(Path groundTruth, Path detections, IouType iouType) {
        Objects.requireNonNull(groundTruth, "groundTruth");
        Objects.requireNonNull(detections, "detections");
        Objects.requireNonNull(iouType, "iouType");
        CocoDataset gt = readGt(groundTruth);
        if (!Files.isRegularFile(detections)) {
            throw new DataException("results file not found: " + detections);
        }
        List<CocoAnnotation> dts;
        try {
            dts = CocoReader.readResults(detections);
        } catch (IOException e) {
            throw Errors.io("cannot read " + detections, e);
        } catch (RuntimeException e) {
            throw Errors.translate(e);
        }
        return run(gt, dts, iouType, detections.toString());
    }

    /**
     * Evaluates detections made in memory (for example by {@link Detector#detect}) against ground
     * truth: the detection's label is taken as the COCO category id (torchvision's convention).
     *
     * @param groundTruth a COCO annotation file
     * @param detections  per COCO image id, that image's detections (images left out count as
     *                    having none)
     * @param iouType     boxes or masks ({@link IouType#SEGM} needs every detection to carry a mask)
     * @return the 12 stats
     * @throws NullPointerException     if an argument or a list in the map is null
     * @throws IllegalArgumentException if masks are requested and a detection has none
     * @throws DataException            if the ground truth is missing or malformed
     */
    public static CocoStats evaluate(Path groundTruth, Map<Long, List<Detection>> detections, IouType iouType) {
        Objects.requireNonNull(groundTruth, "groundTruth");
        Objects.requireNonNull(detections, "detections");
        Objects.requireNonNull(iouType, "iouType");
        List<CocoAnnotation> dts = new ArrayList<>();
        for (Map.Entry<Long, List<Detection>> e : detections.entrySet()) {
            Objects.requireNonNull(e.getValue(), "detections of image " + e.getKey());
            for (Detection d : e.getValue()) {
                dts.add(DetectionResults.toCoco(e.getKey(), d, iouType == IouType.SEGM));
            }
        }
        return run(readGt(groundTruth), dts, iouType, "detections");
    }

    private static CocoDataset readGt(Path gt) {
        if (!Files.isRegularFile(gt)) {
            throw new DataException("ground-truth file not found: " + gt);
        }
        try {
            return CocoReader.read(gt);
        } catch (IOException e) {
            throw Errors.io("cannot read " + gt, e);
        } catch (RuntimeException e) {
            throw Errors.translate(e);
        }
    }

    private static CocoStats run(CocoDataset gt, List<CocoAnnotation> dts, IouType type, String source) {
        try {
            CocoEvaluator ev = CocoEvaluator.forResults(gt, dts, type.internal(), source);
            ev.evaluate();
            CocoSummary s = ev.accumulate().summarize();
            return CocoStats.of(s.stats());
        } catch (RuntimeException e) {
            throw Errors.translate(e);
        }
    }
}
