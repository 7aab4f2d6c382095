package org.cassl.training.data;

/**
 * Where a loader stands: the epoch and the number of batches already taken from it. Together with
 * the seed this fully determines every following batch, so a resumed run sees exactly the batches
 * an uninterrupted run would have seen.
 *
 * @param epoch zero-based epoch
 * @param batch batches already consumed in this epoch
 */
public record LoaderPosition(int epoch, int batch) {
    public static final LoaderPosition START = new LoaderPosition(0, 0);
}
