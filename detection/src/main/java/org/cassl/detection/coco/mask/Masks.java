package org.cassl.detection.coco.mask;

import java.util.ArrayList;
import java.util.List;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoFormatException;
import org.cassl.detection.coco.Polygon;
import org.cassl.detection.coco.Segmentation;

/**
 * Any COCO segmentation to one RLE, as pycocotools' {@code annToRLE} / {@code frPyObjects}:
 * polygon parts are rasterised one by one and merged (union); an uncompressed RLE is taken as is;
 * a compressed RLE is decoded.
 *
 * <p>Short polygons follow pycocotools where it gives an answer and are rejected where it raises:
 * <ul>
 *   <li>the first part has at least 5 numbers: every part is rasterised from its first
 *       {@code length / 2} points; a later part with 0, 1 or 2 points (fewer than 6 numbers)
 *       contributes nothing, exactly as {@code rleFrPoly} then yields an empty mask;</li>
 *   <li>the first part has exactly 4 numbers: pycocotools takes the list for boxes and fails
 *       ({@code TypeError: Argument 'bb' has incorrect type}); rejected here;</li>
 *   <li>the first part has fewer than 4 numbers, or there are no parts: pycocotools fails
 *       ({@code input type is not supported} / {@code IndexError}); rejected here.</li>
 * </ul>
 * Where pycocotools would silently give IoU -1 for an RLE whose size differs from the image, this
 * class rejects it. Every rejection is a {@link CocoFormatException} naming the annotation.
 */
public final class Masks {
    private Masks() {}

    /**
     * The mask of an annotation on an image of the given size.
     *
     * @throws CocoFormatException naming the annotation id when the annotation has no segmentation,
     *     a polygon list pycocotools cannot rasterise, or an RLE that does not fit the image
     */
    public static Rle toRle(CocoAnnotation ann, int imageHeight, int imageWidth) {
        String what = "annotation id " + ann.id() + " (image " + ann.imageId() + ")";
        if (ann.segmentation() == null) {
            throw new CocoFormatException(what + ": has no 'segmentation'");
        }
        return toRle(ann.segmentation(), imageHeight, imageWidth, what);
    }

    /**
     * The mask of a segmentation on an image of the given size; {@code what} names the owner in
     * error messages (e.g. {@code "annotation id 7"}).
     */
    public static Rle toRle(Segmentation seg, int imageHeight, int imageWidth, String what) {
        try {
            if (seg instanceof Segmentation.Polygons p) {
                return fromPolygons(p.parts(), imageHeight, imageWidth, what);
            }
            int h;
            int w;
            Rle rle;
            if (seg instanceof Segmentation.UncompressedRle r) {
                h = r.height();
                w = r.width();
                checkSize(h, w, imageHeight, imageWidth, what);
                rle = Rle.of(h, w, r.counts());
            } else {
                Segmentation.CompressedRle r = (Segmentation.CompressedRle) seg;
                h = r.height();
                w = r.width();
                checkSize(h, w, imageHeight, imageWidth, what);
                rle = Rle.fromCompressedString(h, w, r.counts());
            }
            return rle;
        } catch (CocoFormatException e) {
            if (e.getMessage().startsWith(what)) {
                throw e;
            }
            throw new CocoFormatException(what + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CocoFormatException(what + ": " + e.getMessage(), e);
        }
    }

    private static Rle fromPolygons(List<Polygon> parts, int h, int w, String what) {
        if (parts.isEmpty()) {
            throw new CocoFormatException(what + ": 'segmentation' is an empty polygon list (pycocotools cannot"
                    + " rasterise it)");
        }
        int first = parts.get(0).length();
        if (first <= 4) {
            throw new CocoFormatException(what + ": the first polygon has " + first + " numbers; pycocotools needs"
                    + " at least 3 points (6 numbers) and fails on this one");
        }
        List<Rle> masks = new ArrayList<>(parts.size());
        for (Polygon part : parts) {
            masks.add(PolygonRasterizer.rasterize(part.toArray(), part.length() / 2, h, w));
        }
        return MaskOps.merge(masks, false);
    }

    private static void checkSize(int h, int w, int imageHeight, int imageWidth, String what) {
        if (h != imageHeight || w != imageWidth) {
            throw new CocoFormatException(what + ": RLE size [" + h + ", " + w + "] does not match the image (height "
                    + imageHeight + ", width " + imageWidth + ")");
        }
    }

    /** The polygon pycocotools' loadRes gives a bbox result without segmentation: the box's corners. */
    public static Segmentation boxPolygon(double x, double y, double bw, double bh) {
        double x2 = x + bw;
        double y2 = y + bh;
        return new Segmentation.Polygons(List.of(Polygon.of(x, y, x, y2, x2, y2, x2, y)));
    }
}
