package org.cassl.detection.coco.eval;

import java.util.ArrayList;
import java.util.List;
import org.cassl.detection.coco.Bbox;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoFormatException;
import org.cassl.detection.coco.CocoImage;
import org.cassl.detection.coco.Segmentation;
import org.cassl.detection.coco.mask.Masks;
import org.cassl.detection.coco.mask.Rle;

/**
 * Detection results prepared for evaluation as pycocotools' {@code COCO.loadRes} does. The first
 * result decides the mode, as there:
 * <ul>
 *   <li>it has a {@code bbox}: every result needs one; {@code area = w * h} (even when a
 *       segmentation is present and {@code segm} is evaluated); a result without segmentation gets
 *       its box's corner polygon;</li>
 *   <li>otherwise it has a {@code segmentation}: every result needs one; {@code area} is the mask
 *       area and a missing {@code bbox} is the mask's {@code toBbox}.</li>
 * </ul>
 * Ids become 1..N in list order and {@code iscrowd} 0. Unlike pycocotools, an empty list is
 * accepted (evaluation then scores 0 wherever there is ground truth) and segmentation results may
 * be polygons or uncompressed RLE as well as compressed RLE.
 */
public final class LoadRes {
    private LoadRes() {}

    /**
     * @param source names the results (e.g. the file) in error messages
     * @throws CocoFormatException for a result whose image is not in {@code gt}, a result lacking
     *     what its mode needs, or an RLE whose size differs from its image
     */
    public static List<CocoAnnotation> loadRes(CocoDataset gt, List<CocoAnnotation> results, String source) {
        List<CocoAnnotation> out = new ArrayList<>(results.size());
        if (results.isEmpty()) {
            return out;
        }
        boolean boxMode = results.get(0).bbox() != null;
        for (int i = 0; i < results.size(); i++) {
            CocoAnnotation r = results.get(i);
            String what = source + ": result " + (i + 1) + " (image_id " + r.imageId() + ")";
            CocoImage image = gt.image(r.imageId());
            if (image == null) {
                throw new CocoFormatException(what + ": image_id " + r.imageId() + " is not in the ground truth "
                        + gt.source() + " (results do not correspond to this set)");
            }
            if (!r.hasScore()) {
                throw new CocoFormatException(what + ": missing 'score'");
            }
            long id = i + 1L;
            if (boxMode) {
                Bbox b = r.bbox();
                if (b == null) {
                    throw new CocoFormatException(what + ": has no 'bbox' but the first result has one");
                }
                Segmentation seg = r.segmentation() != null ? r.segmentation()
                        : Masks.boxPolygon(b.x(), b.y(), b.width(), b.height());
                out.add(r.withLoadResFields(id, b, b.width() * b.height(), 0, seg));
            } else {
                if (r.segmentation() == null) {
                    throw new CocoFormatException(what + ": has no 'segmentation' but the first result has one and no bbox");
                }
                Rle rle = Masks.toRle(r.segmentation(), image.height(), image.width(), what);
                Bbox b = r.bbox() != null ? r.bbox() : rle.toBbox();
                out.add(r.withLoadResFields(id, b, rle.area(), 0, r.segmentation()));
            }
        }
        return out;
    }
}
