package org.cassl.tensor.io;

/** A safetensors file is missing, unreadable or malformed; the message names the file and the problem. */
public class SafeTensorsException extends RuntimeException {
    public SafeTensorsException(String message) {
        super(message);
    }

    public SafeTensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
