package org.cassl.app.shapes;

/**
 * The three parts of a shapes dataset. Each split has its own image folder and a stable numeric
 * id that feeds the per-image seed, so adding images to one split never changes another.
 */
public enum Split {
    /** Small labeled training set: only labeled classes, annotated in {@code labeled.json}. */
    LABELED("labeled", 1),
    /** Unlabeled pool: labeled classes and novel kinds; truth only in {@code unlabeled_gt.json}. */
    UNLABELED("unlabeled", 2),
    /** Held-out validation set: only labeled classes, annotated in {@code val.json}. */
    VAL("val", 3),
    /**
     * Held-out test set: only labeled classes, annotated in {@code test.json}; the numbers a demo
     * reports come from it, while every choice is made on {@link #VAL}. Written only when asked for.
     */
    TEST("test", 4);

    private final String folder;
    private final int seedId;

    Split(String folder, int seedId) {
        this.folder = folder;
        this.seedId = seedId;
    }

    /** The folder name of this split's images (also the stem of its annotation file). */
    public String folder() {
        return folder;
    }

    /** Stable id mixed into per-image seeds; never reuse or renumber. */
    int seedId() {
        return seedId;
    }

    /** Whether this split's images may contain novel (unlabeled-only) object kinds. */
    public boolean containsNovelKinds() {
        return this == UNLABELED;
    }
}
