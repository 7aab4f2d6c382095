package org.cassl.detection.coco;

import java.util.Map;

/**
 * One entry of a COCO file's {@code categories} array.
 *
 * @param id the category id
 * @param name the category name
 * @param supercategory the {@code supercategory} field, or {@code null} where absent
 * @param extras every other field (e.g. {@code keypoints}) as plain Java values, in file order
 */
public record CocoCategory(long id, String name, String supercategory, Map<String, Object> extras) {
    public CocoCategory {
        extras = JsonValues.freeze(extras);
    }

    /** A category without extra fields. */
    public CocoCategory(long id, String name, String supercategory) {
        this(id, name, supercategory, Map.of());
    }
}
