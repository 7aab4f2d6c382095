package org.cassl.detection.coco;

/**
 * A COCO annotation, results or mask input is malformed: a missing or mistyped field, a box with
 * negative size, an id referenced but never defined, a duplicate id, an RLE that does not fit its
 * image. The message names the source (file), the JSON location (line and column) or the
 * annotation id, and what is wrong.
 */
public class CocoFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CocoFormatException(String message) {
        super(message);
    }

    public CocoFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
