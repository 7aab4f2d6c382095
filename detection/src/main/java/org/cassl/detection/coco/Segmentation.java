package org.cassl.detection.coco;

import java.util.Arrays;
import java.util.List;

/**
 * The {@code segmentation} field of a COCO annotation or result, in the form it had in the file:
 * polygons, an uncompressed RLE ({@code {"counts": [..], "size": [h, w]}}, used for crowd
 * regions) or a compressed RLE ({@code counts} as pycocotools' string). Turning any of them into
 * a mask is {@code org.cassl.detection.coco.mask.Masks}' job.
 */
public sealed interface Segmentation permits Segmentation.Polygons, Segmentation.UncompressedRle, Segmentation.CompressedRle {

    /** One or more polygon parts that together form the object (their masks are merged). */
    record Polygons(List<Polygon> parts) implements Segmentation {
        public Polygons {
            parts = List.copyOf(parts);
        }
    }

    /**
     * Run-length encoding with plain integer counts, column-major, starting with a run of zeros.
     *
     * @param height mask height (first entry of {@code size})
     * @param width mask width (second entry of {@code size})
     * @param counts run lengths (not copied; do not modify)
     */
    record UncompressedRle(int height, int width, int[] counts) implements Segmentation {
        @Override
        public boolean equals(Object o) {
            return o instanceof UncompressedRle r && r.height == height && r.width == width && Arrays.equals(r.counts, counts);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * height + width) + Arrays.hashCode(counts);
        }

        @Override
        public String toString() {
            return "UncompressedRle[size=" + height + "x" + width + ", runs=" + counts.length + "]";
        }
    }

    /**
     * Run-length encoding with counts in pycocotools' compressed string form.
     *
     * @param height mask height (first entry of {@code size})
     * @param width mask width (second entry of {@code size})
     * @param counts the compressed counts string
     */
    record CompressedRle(int height, int width, String counts) implements Segmentation {}
}
