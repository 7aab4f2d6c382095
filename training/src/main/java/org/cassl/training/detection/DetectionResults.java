package org.cassl.training.detection;

import java.util.ArrayList;
import java.util.List;
import org.cassl.detection.Detections;
import org.cassl.detection.coco.Bbox;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.Segmentation;
import org.cassl.detection.coco.mask.Rle;

/** Conversions from model detections to COCO result entries. */
public final class DetectionResults {
    private DetectionResults() {
    }

    /**
     * COCO results of one image: bbox as xywh, category id = label (torchvision convention), score,
     * and compressed-RLE segmentation when the detections carry masks ({@code [D, H, W]}, thresholded
     * at 0.5).
     */
    public static List<CocoAnnotation> toCoco(long imageId, Detections d) {
        List<CocoAnnotation> out = new ArrayList<>();
        int n = d.size();
        float[] b = d.boxes().toFloatArray();
        float[] s = d.scores().toFloatArray();
        long[] l = d.labels().toLongArray();
        float[] masks = d.masks() != null ? d.masks().toFloatArray() : null;
        int h = d.masks() != null ? d.masks().size(1) : 0;
        int w = d.masks() != null ? d.masks().size(2) : 0;
        for (int i = 0; i < n; i++) {
            Bbox box = new Bbox(b[4 * i], b[4 * i + 1], b[4 * i + 2] - b[4 * i], b[4 * i + 3] - b[4 * i + 1]);
            Segmentation seg = null;
            if (masks != null) {
                seg = toCompressedRle(masks, i * h * w, h, w);
            }
            out.add(CocoAnnotation.detection(imageId, l[i], box, seg, s[i]));
        }
        return out;
    }

    /** Thresholds a float mask at 0.5 into a compressed-RLE segmentation. */
    public static Segmentation toCompressedRle(float[] mask, int offset, int h, int w) {
        byte[] bits = new byte[h * w];
        for (int k = 0; k < bits.length; k++) {
            bits[k] = (byte) (mask[offset + k] >= 0.5f ? 1 : 0);
        }
        Rle rle = Rle.encode(bits, h, w);
        return new Segmentation.CompressedRle(h, w, rle.toCompressedString());
    }
}
