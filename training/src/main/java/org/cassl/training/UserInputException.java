package org.cassl.training;

/**
 * A problem with what the user gave us (a missing file, a malformed config, an unknown value):
 * the command line prints the message as one line and exits with status 2.
 */
public class UserInputException extends RuntimeException {
    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
