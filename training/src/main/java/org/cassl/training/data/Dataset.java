package org.cassl.training.data;

import org.cassl.tensor.Generator;

/**
 * Random access to samples. {@code get} must be safe to call from several worker threads at once
 * and must draw all randomness (augmentation) from the generator it is given, so that a sample
 * depends only on (seed, epoch, index) and never on thread timing.
 *
 * @param <T> the sample type
 */
public interface Dataset<T> {
    int size();

    T get(int index, Generator rng);
}
