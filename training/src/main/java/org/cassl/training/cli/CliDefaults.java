package org.cassl.training.cli;

import java.util.Locale;
import org.cassl.training.UserInputException;
import org.cassl.training.trainer.TrainOptions;

/**
 * The defaults of the command line, in one place: the picocli commands use these constants as
 * their {@code defaultValue}s and the builders of {@code org.cassl.training.api} start from them,
 * so the two cannot drift apart. Values are strings because annotation defaults must be constant
 * strings; the typed accessors parse them.
 *
 * <p>This class is an internal of the command line; embedders use the builders of
 * {@code org.cassl.training.api}, whose Javadoc states each default.
 */
public final class CliDefaults {
    /** {@code --device}: where to compute. */
    public static final String DEVICE = "cpu";
    /** {@code --threads}: CPU worker threads (0: all processors). */
    public static final String CPU_THREADS = "0";

    /** {@code detect --batch}: images per forward pass. */
    public static final String DETECT_BATCH = "4";

    /** {@code train --batch}, {@code ca-ssl --batch}: images per step. */
    public static final String BATCH = "8";
    /** {@code --lr}: base learning rate. */
    public static final String LR = "0.01";
    /** {@code --optimizer}. */
    public static final String OPTIMIZER = "sgd";
    /** {@code --schedule}. */
    public static final String SCHEDULE = "multistep";
    /** {@code --warmup} of train: linear warmup iterations (-1: min(500, iters/5)). */
    public static final String WARMUP_ITERS = "-1";
    /** {@code --weight-decay}. */
    public static final String WEIGHT_DECAY = "1e-4";
    /** {@code --seed}. */
    public static final String SEED = "0";
    /** {@code --workers}: data-loading threads. */
    public static final String WORKERS = "2";
    /** {@code --eval-every} (0: only at the end). */
    public static final String EVAL_EVERY = "0";
    /** {@code --checkpoint-every}. */
    public static final String CHECKPOINT_EVERY = "200";
    /** Epochs of {@code train} when neither {@code --iters} nor {@code --epochs} is given. */
    public static final String EPOCHS = "12";

    /** {@code pseudo-label --tau}, {@code ca-ssl --tau}: pseudo-label score threshold. */
    public static final String TAU = "0.5";
    /** {@code pseudo-label --nms}: class-agnostic NMS IoU. */
    public static final String NMS = "0.6";
    /** {@code pseudo-label --max-per-image}. */
    public static final String MAX_PER_IMAGE = "100";
    /** {@code pseudo-label --batch}: images per teacher forward pass. */
    public static final String PSEUDO_LABEL_BATCH = "8";

    /** {@code ca-ssl --iters}: iterations of each stage. */
    public static final String CA_SSL_ITERS = "1000";
    /** {@code ca-ssl --warmup}: which warmup(s). */
    public static final String CA_SSL_WARMUP = "class-agnostic";

    private CliDefaults() {
    }

    /** {@link #BATCH} as a number. */
    public static int batch() {
        return Integer.parseInt(BATCH);
    }

    /** {@link #DETECT_BATCH} as a number. */
    public static int detectBatch() {
        return Integer.parseInt(DETECT_BATCH);
    }

    /** {@link #LR} as a number. */
    public static double lr() {
        return Double.parseDouble(LR);
    }

    /** {@link #WEIGHT_DECAY} as a number. */
    public static double weightDecay() {
        return Double.parseDouble(WEIGHT_DECAY);
    }

    /** {@link #WARMUP_ITERS} as a number. */
    public static int warmupIters() {
        return Integer.parseInt(WARMUP_ITERS);
    }

    /** {@link #SEED} as a number. */
    public static long seed() {
        return Long.parseLong(SEED);
    }

    /** {@link #WORKERS} as a number. */
    public static int workers() {
        return Integer.parseInt(WORKERS);
    }

    /** {@link #EVAL_EVERY} as a number. */
    public static int evalEvery() {
        return Integer.parseInt(EVAL_EVERY);
    }

    /** {@link #CHECKPOINT_EVERY} as a number. */
    public static int checkpointEvery() {
        return Integer.parseInt(CHECKPOINT_EVERY);
    }

    /** {@link #EPOCHS} as a number. */
    public static int epochs() {
        return Integer.parseInt(EPOCHS);
    }

    /** {@link #TAU} as a number. */
    public static double tau() {
        return Double.parseDouble(TAU);
    }

    /** {@link #NMS} as a number. */
    public static double nms() {
        return Double.parseDouble(NMS);
    }

    /** {@link #MAX_PER_IMAGE} as a number. */
    public static int maxPerImage() {
        return Integer.parseInt(MAX_PER_IMAGE);
    }

    /** {@link #PSEUDO_LABEL_BATCH} as a number. */
    public static int pseudoLabelBatch() {
        return Integer.parseInt(PSEUDO_LABEL_BATCH);
    }

    /** {@link #CA_SSL_ITERS} as a number. */
    public static long caSslIters() {
        return Long.parseLong(CA_SSL_ITERS);
    }

    /**
     * The training recipe from the command line's options (shared by {@code train}, {@code ca-ssl}
     * and the API builders): validates the options and fills the fixed parts (momentum 0.9, warmup
     * factor 0.001, clip norm 10, prefetch 4, log every 20, keep 2 checkpoints).
     *
     * @throws UserInputException when an option is out of range
     */
    public static TrainOptions trainOptions(long iters, int batch, double lr, String optimizer, String schedule, int warmup,
                                            double weightDecay, long seed, int workers, int evalEvery,
                                            int checkpointEvery) {
        if (iters < 1) {
            throw new UserInputException("--iters must be at least 1, got " + iters);
        }
        if (batch < 1) {
            throw new UserInputException("--batch must be at least 1, got " + batch);
        }
        if (!(lr > 0)) {
            throw new UserInputException("--lr must be positive, got " + lr);
        }
        String opt = optimizer.toLowerCase(Locale.ROOT);
        String sch = schedule.toLowerCase(Locale.ROOT);
        if (!opt.equals("sgd") && !opt.equals("adamw")) {
            throw new UserInputException("--optimizer must be sgd or adamw, got " + optimizer);
        }
        if (!sch.equals("multistep") && !sch.equals("cosine") && !sch.equals("constant")) {
            throw new UserInputException("--schedule must be multistep, cosine or constant, got " + schedule);
        }
        int w = warmup >= 0 ? warmup : (int) Math.min(500, iters / 5);
        return new TrainOptions(iters, batch, lr, 0.9, weightDecay, opt, w, 0.001, sch, 10.0, seed, Math.max(0, workers),
                4, 20, Math.max(1, checkpointEvery), 2, Math.max(0, evalEvery));
    }

    /**
     * The recipe of one CA-SSL stage: the {@code train} defaults with these five options (used by
     * {@code ca-ssl} and the API's CA-SSL job).
     *
     * @throws UserInputException when an option is out of range
     */
    public static TrainOptions caSslStageOptions(long iters, int batch, double lr, long seed, int workers) {
        return trainOptions(iters, batch, lr, OPTIMIZER, SCHEDULE, warmupIters(), weightDecay(), seed, workers, evalEvery(),
                checkpointEvery());
    }
}
