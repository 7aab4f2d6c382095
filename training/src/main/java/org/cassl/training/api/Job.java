package org.cassl.training.api;

import org.cassl.training.trainer.CancellationToken;

/**
 * A long-running piece of work (training, pseudo-labelling, the CA-SSL stages) that reports to
 * {@link JobListener}s and can be cancelled from another thread.
 *
 * <p><b>Cancellation and resume.</b> {@link #cancel()} may be called from any thread. A training
 * stage stops at the next iteration boundary after writing a checkpoint, and {@link #run()} returns
 * a {@link JobResult.Status#CANCELLED} result; pseudo-labelling stops after the current batch of
 * images (finished images are kept). Calling {@link #run()} again on the same job (or running a
 * new job with the same settings and {@code resume(true)}) continues from there; on the CPU, a
 * resumed training run ends with the same weights, bit for bit, as an uninterrupted one.
 * A {@code cancel()} that arrives while no run is in progress applies to the next run.
 *
 * <p><b>Threads.</b> One {@code run()} at a time per job ({@link IllegalStateException}
 * otherwise); {@code cancel()}, {@link #isCancelled()} and {@link #close()} are safe from any thread.
 * The model and data loader of a run are released when the run returns; {@link #close()} cancels a
 * run in progress and makes further runs fail.
 */
public abstract class Job implements AutoCloseable {
    private final Object lock = new Object();
    private CancellationToken token = new CancellationToken();
    private boolean running;
    private boolean closed;
    private boolean ranBefore;

    Job() {
    }

    /**
     * Runs the job to the end or until cancelled. Blocks the calling thread.
     *
     * @return how it ended
     * @throws IllegalStateException if the job is running in another thread or is closed
     * @throws CasslException        if it fails (see the subclasses for which)
     */
    public final JobResult run() {
        CancellationToken t;
        boolean again;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("this job is closed");
            }
            if (running) {
                throw new IllegalStateException("this job is already running in another thread");
            }
            running = true;
            t = token;
            again = ranBefore;
        }
        try {
            return execute(t, again);
        } catch (RuntimeException e) {
            throw Errors.translate(e);
        } finally {
            synchronized (lock) {
                running = false;
                ranBefore = true;
                if (t.isCancelled()) {
                    token = new CancellationToken();
                }
            }
        }
    }

    /**
     * Asks the job to stop at the next iteration boundary (leaving a resumable checkpoint). Returns
     * at once; {@link #run()} returns when the job has stopped.
     */
    public final void cancel() {
        synchronized (lock) {
            token.cancel();
        }
    }

    /**
     * Whether a cancellation is pending (requested and not yet consumed by a run that ended).
     *
     * @return true after {@link #cancel()} until the cancelled run returns
     */
    public final boolean isCancelled() {
        synchronized (lock) {
            return token.isCancelled();
        }
    }

    /** Cancels a run in progress and refuses further runs. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            token.cancel();
        }
    }

    /**
     * Runs once.
     *
     * @param cancellation the token of this run
     * @param again        whether an earlier run of this job exists (so this one resumes)
     */
    abstract JobResult execute(CancellationToken cancellation, boolean again);

    /** Thrown through progress callbacks to stop work that has no iteration loop of its own. */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super("cancelled", null, false, false);
        }
    }
}
