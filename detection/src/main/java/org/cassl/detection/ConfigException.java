package org.cassl.detection;

/**
 * A model configuration that cannot be used: malformed JSON, an unknown key, a value of the
 * wrong type or out of range. The message names the key, the offending value and what is allowed.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
