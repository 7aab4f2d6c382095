package org.cassl.detection.coco;

import java.util.Map;

/**
 * One entry of a COCO file's {@code images} array.
 *
 * @param id the image id (COCO ids can exceed 32 bits, hence {@code long})
 * @param fileName the {@code file_name} field, or {@code null} where the file has none
 * @param width image width in pixels
 * @param height image height in pixels
 * @param extras every other field of the entry (e.g. {@code license}, {@code coco_url}) as plain
 *     Java values (Map, List, String, Long/Integer, Double, Boolean, null), in file order
 */
public record CocoImage(long id, String fileName, int width, int height, Map<String, Object> extras) {
    public CocoImage {
        extras = JsonValues.freeze(extras);
    }

    /** An image without extra fields. */
    public CocoImage(long id, String fileName, int width, int height) {
        this(id, fileName, width, height, Map.of());
    }
}
