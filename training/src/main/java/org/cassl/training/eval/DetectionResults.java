package org.cassl.training.eval;

import java.util.ArrayList;
import java.util.List;
import org.cassl.detection.Detections;
import org.cassl.detection.coco.Bbox;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.Segmentation;
import org.cassl.tensor.Tensor;
import org.cassl.training.api.Box;
import org.cassl.training.api.Detection;
import org.cassl.training.api.Mask;

/**
 * The one way from a model's detections (tensors) to the host-side result every consumer reads
 * ({@link Detection} records: the API, COCO results, pseudo-labels, drawings, reports), and from
 * that result to COCO entries.
 */
public final class DetectionResults {
    private DetectionResults() {
    }

    /** One image's detections as records, in the model's order (masks thresholded by {@link Mask}). */
    public static List<Detection> toHost(Detections d) {
        int n = d.size();
        float[] b = d.boxes().toFloatArray();
        float[] s = d.scores().toFloatArray();
        long[] l = d.labels().toLongArray();
        Tensor mt = d.masks();
        float[] masks = mt != null ? mt.toFloatArray() : null;
        int h = mt != null ? mt.size(1) : 0;
        int w = mt != null ? mt.size(2) : 0;
        List<Detection> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Mask m = masks != null ? Mask.fromProbabilities(masks, i * h * w, w, h) : null;
            out.add(new Detection(new Box(b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]), s[i], (int) l[i], m));
        }
        return List.copyOf(out);
    }

    /** The detections of several images. */
    public static List<List<Detection>> toHost(List<Detections> perImage) {
        List<List<Detection>> out = new ArrayList<>(perImage.size());
        for (Detections d : perImage) {
            out.add(toHost(d));
        }
        return out;
    }

    /** COCO results of one image (see {@link #toCoco(long, Detection, boolean)}). */
    public static List<CocoAnnotation> toCoco(long imageId, List<Detection> detections) {
        List<CocoAnnotation> out = new ArrayList<>(detections.size());
        for (Detection d : detections) {
            out.add(toCoco(imageId, d, false));
        }
        return out;
    }

    /**
     * A detection as a COCO result entry: xywh box, category id = label (torchvision's
     * convention), score, and the mask as compressed RLE when it has one.
     *
     * @throws IllegalArgumentException if {@code needMask} and the detection has no mask
     */
    public static CocoAnnotation toCoco(long imageId, Detection d, boolean needMask) {
        if (d.mask() == null && needMask) {
            throw new IllegalArgumentException("mask evaluation needs masks, but a detection of image " + imageId
                    + " has none (the model has no mask head?)");
        }
        return CocoAnnotation.detection(imageId, d.label(), bbox(d.box()), segmentation(d.mask()), d.score());
    }

    /** A box as COCO's {@code [x, y, width, height]}. */
    public static Bbox bbox(Box b) {
        return new Bbox(b.x1(), b.y1(), b.width(), b.height());
    }

    /** A mask as COCO compressed RLE, or null for none. */
    public static Segmentation.CompressedRle segmentation(Mask m) {
        return m == null ? null : new Segmentation.CompressedRle(m.height(), m.width(), m.toCocoRle());
    }
}
