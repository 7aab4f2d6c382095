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
 * mask AP when the model predicts masks.
 */
public final class DetectionEvaluator {
    private final CocoDataset gt;
    private final DatasetRoot root;
    private final int batchSize;

    /**
     * Everything an evaluation produced.
     *
     * @param results COCO results (boxes, scores, labels, masks as RLE)
     * @param bbox    box summary
     * @param segm    mask summary, or null without masks
     */
    public record Output(List<CocoAnnotation> results, CocoSummary bbox, CocoSummary segm) {
        /** Metrics for logs and reports: AP.. (box) and mask_AP.. (mask). */
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
            return m;
        }
    }

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
            return new Output(results, bbox, segm);
        } finally {
            model.train(was);
        }
    }

    private CocoSummary summarize(List<CocoAnnotation> results, IouKind type) {
        CocoEvaluator ev = CocoEvaluator.forResults(gt, results, type, "detections");
        ev.evaluate();
        return ev.accumulate().summarize();
    }
}
