package org.cassl.training.trainer;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks a running stage to stop: the trainer checks it before each iteration, writes a checkpoint
 * and returns a cancelled (resumable) outcome. Safe to trigger from any thread.
 */
public final class CancellationToken {
    private final AtomicBoolean requested = new AtomicBoolean();

    public void cancel() {
        requested.set(true);
    }

    public boolean isCancelled() {
        return requested.get();
    }
}
