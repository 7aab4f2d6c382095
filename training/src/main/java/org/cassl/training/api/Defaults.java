package org.cassl.training.api;

/**
 * The default of every setting of the API's builders, typed. The command line starts from the
 * same values (its options are initialised from these fields), so {@code cassl train} and
 * {@link TrainingJob} cannot drift apart.
 */
public final class Defaults {
    /** Where to compute: the CPU. */
    public static final String DEVICE = "cpu";
    /** Images per forward pass of {@link Detector#detectAll}. */
    public static final int DETECT_BATCH = 4;
    /** Images per training step. */
    public static final int BATCH = 8;
    /** Base learning rate. */
    public static final double LR = 0.01;
    /** Optimizer: {@code sgd} (momentum 0.9) or {@code adamw}. */
    public static final String OPTIMIZER = "sgd";
    /** Learning-rate schedule after the warmup: {@code multistep}, {@code cosine} or {@code constant}. */
    public static final String SCHEDULE = "multistep";
    /** Linear warmup iterations; -1 means min(500, iterations / 5). */
    public static final int WARMUP_ITERS = -1;
    /** Weight decay. */
    public static final double WEIGHT_DECAY = 1e-4;
    /** Seed of initialisation, shuffling and augmentation. */
    public static final long SEED = 0;
    /** Data-loading threads. */
    public static final int WORKERS = 2;
    /** Validate every this many iterations (0: only at the end). */
    public static final int EVAL_EVERY = 0;
    /** Write a checkpoint every this many iterations. */
    public static final int CHECKPOINT_EVERY = 200;
    /** Epochs of a training run given neither iterations nor epochs. */
    public static final int EPOCHS = 12;
    /** Pseudo-label score threshold. */
    public static final double TAU = 0.5;
    /** Class-agnostic NMS IoU threshold of pseudo-labelling. */
    public static final double PSEUDO_LABEL_NMS = 0.6;
    /** Most pseudo-labels kept per image. */
    public static final int MAX_PER_IMAGE = 100;
    /** Images per teacher forward pass in pseudo-labelling. */
    public static final int PSEUDO_LABEL_BATCH = 8;
    /** Iterations of each CA-SSL stage. */
    public static final long CA_SSL_ITERS = 1000;
    /** Weight EMA decay (0: no EMA). */
    public static final double EMA_DECAY = 0;

    private Defaults() {
    }
}
