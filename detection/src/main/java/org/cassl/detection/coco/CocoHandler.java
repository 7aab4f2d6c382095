package org.cassl.detection.coco;

/**
 * Receives the entries of a COCO annotation file one at a time, in file order, while
 * {@link CocoReader#stream} parses it; nothing else of the file is kept in memory. Each method
 * has an empty default so a handler overrides only what it needs.
 */
public interface CocoHandler {
    /** One entry of {@code images}. */
    default void onImage(CocoImage image) {}

    /** One entry of {@code categories}. */
    default void onCategory(CocoCategory category) {}

    /** One entry of {@code annotations}. */
    default void onAnnotation(CocoAnnotation annotation) {}

    /** Any other top-level field (e.g. {@code info}, {@code licenses}) as plain Java values. */
    default void onTopLevelField(String name, Object value) {}
}
