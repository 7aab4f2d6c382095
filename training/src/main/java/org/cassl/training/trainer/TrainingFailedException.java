package org.cassl.training.trainer;

/**
 * A run cannot continue (a non-finite loss, a resume folder from another configuration); the
 * message names the iteration and what went wrong, and the last good checkpoint stays in place.
 */
public class TrainingFailedException extends RuntimeException {
    public TrainingFailedException(String message) {
        super(message);
    }
}
