package org.cassl.tensor.io;

/**
 * A PyTorch checkpoint is missing, malformed, or holds something the allow-list refuses (a global
 * other than the tensor and container types, for instance). The one-line message names the file
 * and what was wrong or refused. It extends {@link SafeTensorsException} so every caller that reports
 * a bad weights file reports this one the same way.
 */
public class TorchCheckpointException extends SafeTensorsException {
    /**
     * A checkpoint problem.
     *
     * @param message one line naming the file and the problem
     */
    public TorchCheckpointException(String message) {
        super(message);
    }

    /**
     * A checkpoint problem with its cause.
     *
     * @param message one line naming the file and the problem
     * @param cause   the underlying I/O error
     */
    public TorchCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
