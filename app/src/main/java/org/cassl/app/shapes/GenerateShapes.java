package org.cassl.app.shapes;

import java.nio.file.Path;

/**
 * The entry point behind {@code cassl generate-shapes}: default config with the options applied,
 * dataset written, summary returned for the caller to print. Prints nothing itself.
 */
public final class GenerateShapes {
    private GenerateShapes() {
    }

    /**
     * Options of one run.
     *
     * @param out       dataset folder to create
     * @param labeled   labeled training images
     * @param unlabeled unlabeled pool images
     * @param val       validation images
     * @param seed      master seed
     * @param size      square image size in pixels (objects from 8 px to half of it)
     * @param overwrite replace an existing shapes dataset in {@code out}
     * @param threads   worker threads; 0 = all processors
     * @param test      test images (0: no test split)
     * @param difficulty the generator's difficulty knobs (null fields keep the defaults)
     */
    public record Options(Path out, int labeled, int unlabeled, int val, long seed, int size,
                          boolean overwrite, int threads, int test, Difficulty difficulty) {
        /** Options without a test split, at the default difficulty. */
        public Options(Path out, int labeled, int unlabeled, int val, long seed, int size, boolean overwrite, int threads) {
            this(out, labeled, unlabeled, val, seed, size, overwrite, threads, 0, Difficulty.defaults());
        }

        public Options {
            requireCount("--test", test);
            if (difficulty == null) {
                difficulty = Difficulty.defaults();
            }
            if (out == null) {
                throw new ShapesException("generate-shapes: --out is required");
            }
            requireCount("--labeled", labeled);
            requireCount("--unlabeled", unlabeled);
            requireCount("--val", val);
            if (size < 32 || size > 4096) {
                throw new ShapesException("generate-shapes: --size " + size + " is invalid; expected 32..4096");
            }
        }

        private static void requireCount(String option, int n) {
            if (n < 0) {
                throw new ShapesException("generate-shapes: " + option + " " + n + " is invalid; expected 0 or more");
            }
        }

        /** 128-pixel images, no overwrite, all processors. */
        public static Options of(Path out, int labeled, int unlabeled, int val, long seed) {
            return new Options(out, labeled, unlabeled, val, seed, 128, false, 0);
        }
    }

    /** The config a run with these options uses. */
    public static ShapesConfig config(Options options) {
        ShapesConfig defaults = ShapesConfig.defaults();
        ShapesConfig config = options.size() == defaults.width() ? defaults : defaults.withSize(options.size());
        return options.difficulty().applyTo(config.withSeed(options.seed()));
    }

    /**
     * Generates the dataset.
     *
     * @throws ShapesException on a bad option, an occupied output folder or an I/O failure; the
     *                         message is one line naming the input and the problem
     */
    public static DatasetSummary run(Options options) {
        return new ShapesGenerator(config(options)).write(options.out(), options.labeled(),
                options.unlabeled(), options.val(), options.test(), options.overwrite(), options.threads());
    }
}
