package org.cassl.training.data;

/** An image file is missing, unreadable or not an image we can decode; the message names the file. */
public class ImageReadException extends RuntimeException {
    public ImageReadException(String message) {
        super(message);
    }

    public ImageReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
