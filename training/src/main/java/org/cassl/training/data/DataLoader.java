package org.cassl.training.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.cassl.tensor.Generator;

/**
 * Endless batches over a dataset, decoded and augmented on worker threads with bounded prefetch.
 * Each epoch visits a seeded permutation (or the natural order); each sample gets its own
 * generator derived from (seed, epoch, index), so results do not depend on the number of workers
 * or on timing. Batches come out in order; a worker's exception surfaces in {@link #next()}.
 *
 * @param <T> sample type
 */
public final class DataLoader<T> implements AutoCloseable {
    private final Dataset<T> dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private final int prefetch;
    private final ExecutorService workers;
    private final Deque<List<Future<T>>> inFlight = new ArrayDeque<>();
    private int epoch;
    private int batchInEpoch;
    private int[] order;
    private int scheduledEpoch;
    private int scheduledBatch;

    /**
     * @param workers  decoding threads (0 decodes on the caller's thread)
     * @param prefetch batches decoded ahead of the consumer
     * @param start    where to start (for resuming)
     */
    public DataLoader(Dataset<T> dataset, int batchSize, boolean shuffle, boolean dropLast, long seed, int workers,
                      int prefetch, LoaderPosition start) {
        if (dataset.size() == 0) {
            throw new IllegalArgumentException("the dataset is empty");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast && dataset.size() >= batchSize;
        this.seed = seed;
        this.prefetch = Math.max(1, prefetch);
        AtomicInteger n = new AtomicInteger();
        this.workers = workers <= 0 ? null : Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "cassl-loader-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.epoch = start.epoch();
        this.batchInEpoch = start.batch();
        this.scheduledEpoch = epoch;
        this.scheduledBatch = batchInEpoch;
        if (batchInEpoch >= batchesPerEpoch()) {
            throw new IllegalArgumentException("loader position " + start + " is past the end of an epoch of "
                    + batchesPerEpoch() + " batches");
        }
    }

    /** Batches in one epoch. */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The position of the next batch {@link #next()} returns. */
    public LoaderPosition position() {
        return new LoaderPosition(epoch, batchInEpoch);
    }

    /** The next batch (blocking until its samples are decoded). */
    public List<T> next() {
        while (inFlight.size() < prefetch) {
            schedule();
        }
        List<Future<T>> batch = inFlight.poll();
        List<T> out = new ArrayList<>(batch.size());
        try {
            for (Future<T> f : batch) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for data", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(c);
        }
        batchInEpoch++;
        if (batchInEpoch == batchesPerEpoch()) {
            epoch++;
            batchInEpoch = 0;
        }
        return out;
    }

    private void schedule() {
        int[] perm = permutation(scheduledEpoch);
        int start = scheduledBatch * batchSize;
        int end = Math.min(perm.length, start + batchSize);
        int len = end - start;
        end = start + (int) ((long) len * (shardRank + 1) / shardWorld);
        start = start + (int) ((long) len * shardRank / shardWorld);
        List<Future<T>> batch = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            int index = perm[i];
            Generator rng = new Generator(mix(seed, scheduledEpoch, index));
            if (workers == null) {
                T sample = dataset.get(index, rng);
                batch.add(java.util.concurrent.CompletableFuture.completedFuture(sample));
            } else {
                batch.add(workers.submit(() -> dataset.get(index, rng)));
            }
        }
        inFlight.add(batch);
        scheduledBatch++;
        if (scheduledBatch == batchesPerEpoch()) {
            scheduledEpoch++;
            scheduledBatch = 0;
        }
    }

    private int[] permutation(int e) {
        if (order != null && orderEpoch == e) {
            return order;
        }
        int n = dataset.size();
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        if (shuffle) {
            Generator g = new Generator(mix(seed, e, -1));
            for (int i = n - 1; i > 0; i--) {
                int j = g.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
        }
        order = p;
        orderEpoch = e;
        return p;
    }

    private int orderEpoch = -1;
    private int shardRank = 0;
    private int shardWorld = 1;

    /**
     * Data-parallel sharding: batches are still formed as for the global batch size (the same
     * permutation, positions and per-sample generators as one replica), but this loader decodes and
     * returns only replica {@code rank}'s contiguous slice of each (of {@code world} near-equal
     * slices). Call before the first {@link #next()}.
     *
     * @return this loader
     */
    public DataLoader<T> shard(int rank, int world) {
        if (world < 1 || rank < 0 || rank >= world) {
            throw new IllegalArgumentException("shard " + rank + " of " + world);
        }
        if (!inFlight.isEmpty()) {
            throw new IllegalStateException("shard before the first batch");
        }
        this.shardRank = rank;
        this.shardWorld = world;
        return this;
    }

    /** A well-mixed seed for (seed, epoch, index). */
    static long mix(long seed, int epoch, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + index * 0x165667B19E3779F9L;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    @Override
    public void close() {
        for (List<Future<T>> b : inFlight) {
            for (Future<T> f : b) {
                f.cancel(true);
            }
        }
        inFlight.clear();
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
