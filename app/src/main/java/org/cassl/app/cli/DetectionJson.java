package org.cassl.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.cassl.detection.coco.Segmentation;
import org.cassl.training.api.Box;
import org.cassl.training.api.Detection;
import org.cassl.training.eval.DetectionResults;

/**
 * The per-image JSON entry that {@code cassl detect --format json} prints and {@code cassl serve}
 * answers: {@code {"image", "width", "height", "detections": [{"bbox": [x1,y1,x2,y2], "score",
 * "label", "segmentation"?}]}}, masks as COCO compressed RLE.
 */
public final class DetectionJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DetectionJson() {
    }

    /**
     * One image's entry.
     *
     * @param image  the name shown for the image
     * @param width  the image's width in pixels
     * @param height the image's height in pixels
     * @param dets   its detections, in the detector's order
     * @return the JSON object
     */
    public static ObjectNode entry(String image, int width, int height, List<Detection> dets) {
        ObjectNode o = JSON.createObjectNode();
        o.put("image", image);
        o.put("width", width);
        o.put("height", height);
        ArrayNode arr = o.putArray("detections");
        for (Detection d : dets) {
            ObjectNode e = arr.addObject();
            Box b = d.box();
            // the float box widened to double, as COCO's writer does
            e.putArray("bbox").add((double) b.x1()).add((double) b.y1()).add((double) b.x2()).add((double) b.y2());
            e.put("score", (double) d.score());
            e.put("label", (long) d.label());
            Segmentation.CompressedRle rle = DetectionResults.segmentation(d.mask());
            if (rle != null) {
                ObjectNode seg = e.putObject("segmentation");
                seg.putArray("size").add(rle.height()).add(rle.width());
                seg.put("counts", rle.counts());
            }
        }
        return o;
    }
}
