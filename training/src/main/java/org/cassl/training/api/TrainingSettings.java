package org.cassl.training.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The settings every training job's builder shares ({@link TrainingJob}, {@link CaSslJob}): the
 * batch, the learning rate, the seed, the loader threads, how often to validate and checkpoint,
 * and an optional pretrained backbone. Defaults are the command line's.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class TrainingSettings<B extends TrainingSettings<B>> extends JobBuilder<B> {
    int batchSize = Defaults.BATCH;
    double lr = Defaults.LR;
    long seed = Defaults.SEED;
    int workers = Defaults.WORKERS;
    int evalEvery = Defaults.EVAL_EVERY;
    int checkpointEvery = Defaults.CHECKPOINT_EVERY;
    Path backboneWeights;
    double emaDecay = Defaults.EMA_DECAY;

    TrainingSettings() {
    }

    /**
     * Weight EMA (default 0: off): with a decay in (0, 1) every stage keeps an exponential moving
     * average of its weights (decay ramped as min(decay, (1 + t) / (10 + t)) after step t), its
     * evaluations use the average and its final {@code model.safetensors} is the average; in a
     * CA-SSL job the averaged teacher pseudo-labels and the averaged warmup starts the fine-tune.
     *
     * @param decay 0, or in (0, 1)
     * @return this builder
     * @throws IllegalArgumentException if {@code decay} is neither 0 nor in (0, 1)
     */
    public final B emaDecay(double decay) {
        if (!(decay == 0 || (decay > 0 && decay < 1))) {
            throw new IllegalArgumentException("emaDecay must be 0 (off) or in (0, 1), got " + decay);
        }
        this.emaDecay = decay;
        return self();
    }

    /**
     * Images per step (default 8).
     *
     * @param n 1 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is less than 1
     */
    public final B batchSize(int n) {
        this.batchSize = atLeast(1, n, "batchSize");
        return self();
    }

    /**
     * Base learning rate (default 0.01).
     *
     * @param lr positive
     * @return this builder
     * @throws IllegalArgumentException if {@code lr} is not positive
     */
    public final B learningRate(double lr) {
        this.lr = positive(lr, "learningRate");
        return self();
    }

    /**
     * Seed of initialisation, data order and augmentation (default 0).
     *
     * @param seed any value
     * @return this builder
     */
    public final B seed(long seed) {
        this.seed = seed;
        return self();
    }

    /**
     * Data-loading threads (default 2; 0 decodes on the training thread).
     *
     * @param n 0 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public final B workers(int n) {
        this.workers = atLeast(0, n, "workers");
        return self();
    }

    /**
     * Validate every this many iterations, for learning curves in {@code metrics.jsonl} (default 0:
     * only at the end). In a CA-SSL job this applies to the teacher and the fine-tunes.
     *
     * @param n 0 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public final B evalEvery(int n) {
        this.evalEvery = atLeast(0, n, "evalEvery");
        return self();
    }

    /**
     * Write a checkpoint every this many iterations (default 200; the last iteration always does).
     *
     * @param n 1 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is less than 1
     */
    public final B checkpointEvery(int n) {
        this.checkpointEvery = atLeast(1, n, "checkpointEvery");
        return self();
    }

    /**
     * Start the backbone body from a torchvision ImageNet classification checkpoint of the
     * config's {@code backbone} ({@code conv1.*}, {@code bn1.*}, {@code layer1..4.*}; {@code fc.*}
     * is ignored), safetensors or a PyTorch {@code .pth}; the rest of the model is freshly
     * initialised. With it, torchvision's rules for a pretrained backbone apply: FrozenBatchNorm2d
     * and 3 trainable backbone layers, unless the config sets {@code frozen_bn} or
     * {@code trainable_backbone_layers} itself ({@code train.json} says which applied). In a CA-SSL
     * job every stage that starts fresh (the baseline/teacher and each warmup) starts from it; the
     * fine-tunes start from their warmups. A checkpoint that does not fit (a missing or mis-shaped
     * tensor, another architecture) makes {@link Job#run()} throw {@link ModelLoadException}.
     * Default: none.
     *
     * @param weights the ImageNet checkpoint
     * @return this builder
     * @throws NullPointerException if {@code weights} is null
     */
    public final B backboneWeights(Path weights) {
        this.backboneWeights = Objects.requireNonNull(weights, "weights");
        return self();
    }
}
