package org.cassl.training.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.cassl.detection.Detections;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoImage;
import org.cassl.detection.coco.eval.CocoSummary;
import org.cassl.detection.coco.eval.IouKind;
import org.cassl.detection.coco.eval.CocoEvaluator;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.Tensor;
import org.cassl.training.data.DatasetRoot;
import org.cassl.training.data.Images;

/**
 * Runs a detector over a COCO dataset and scores it with pycocotools' semantics: box AP always,
 * class-agnostic box AP ({@link ClassAgnostic}: localisation whatever the class) always, mask AP
 * when the model predicts masks.
 */
public final class DetectionEvaluator {
    private final CocoDataset gt;
    private final DatasetRoot root;
    private final int batchSize;
    private CocoDataset agnosticGt;

    /**
     * Everything an evaluation produced.
     *
     * @param results COCO results (boxes, scores, labels, masks as RLE)
     * @param bbox    box summary
     * @param segm    mask summary, or null without masks
     * @param agnostic class-agnostic box summary (every class one "object", class-agnostic NMS first), or null
     */
    public record Output(List<CocoAnnotation> results, CocoSummary bbox, CocoSummary segm, CocoSummary agnostic) {
        /** An output without the class-agnostic summary. */
        public Output(List<CocoAnnotation> results, CocoSummary bbox, CocoSummary segm) {
            this(results, bbox, segm, null);
        }

        /** Metrics for logs and reports: AP.. (box), mask_AP.. (mask) and agnostic_AP.. (class-agnostic box). */
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            for (int i = 0; i < CocoSummary.NAMES.size(); i++) {
                m.put(CocoSummary.NAMES.get(i), bbox.stats()[i]);
            }
            if (segm != null) {
                for (int i = 0; i < CocoSummary.NAMES.size(); i++) {
                    m.put("mask_" + CocoSummary.NAMES.get(i), segm.stats()[i]);
                }
            }
            if (agnostic != null) {
                for (int i = 0; i < CocoSummary.NAMES.size(); i++) {
                    m.put(AGNOSTIC_PREFIX + CocoSummary.NAMES.get(i), agnostic.stats()[i]);
                }
            }
            return m;
        }
    }

    /** Prefix of the class-agnostic box metrics in {@link Output#metrics()}. */
    public static final String AGNOSTIC_PREFIX = "agnostic_";

    public DetectionEvaluator(CocoDataset gt, DatasetRoot root, int batchSize) {
        this.gt = gt;
        this.root = root;
        this.batchSize = Math.max(1, batchSize);
    }

    /** Detects on every image (model in eval mode) and evaluates. */
    public Output evaluate(Fcos model, IntConsumer progress) {
        boolean was = model.isTraining();
        model.train(false);
        try {
            List<CocoAnnotation> results = new ArrayList<>();
            boolean masks = false;
            List<CocoImage> images = gt.images();
            for (int s = 0; s < images.size(); s += batchSize) {
                List<CocoImage> chunk = images.subList(s, Math.min(images.size(), s + batchSize));
                List<Tensor> batch = new ArrayList<>();
                for (CocoImage im : chunk) {
                    batch.add(Images.read(root.resolve(im.fileName())).toTensor().to(model.device()));
                }
                List<Detections> dets = model.detect(batch);
                for (int i = 0; i < chunk.size(); i++) {
                    masks |= dets.get(i).masks() != null;
                    results.addAll(DetectionResults.toCoco(chunk.get(i).id(), DetectionResults.toHost(dets.get(i))));
                }
                if (progress != null) {
                    progress.accept(s + chunk.size());
                }
            }
            CocoSummary bbox = summarize(results, IouKind.BBOX);
            CocoSummary segm = masks ? summarize(results, IouKind.SEGM) : null;
            CocoSummary agnostic = summarize(agnosticGt(), ClassAgnostic.detections(results, model.config().nmsThresh(),
                    model.config().detectionsPerImg()), IouKind.BBOX);
            return new Output(results, bbox, segm, agnostic);
        } finally {
            model.train(was);
        }
    }

    private CocoDataset agnosticGt() {
        if (agnosticGt == null) {
            agnosticGt = ClassAgnostic.groundTruth(gt);
        }
        return agnosticGt;
    }

    private CocoSummary summarize(List<CocoAnnotation> results, IouKind type) {
        return summarize(gt, results, type);
    }

    private static CocoSummary summarize(CocoDataset gt, List<CocoAnnotation> results, IouKind type) {
        CocoEvaluator ev = CocoEvaluator.forResults(gt, results, type, "detections");
        ev.evaluate();
        return ev.accumulate().summarize();
    }
}
