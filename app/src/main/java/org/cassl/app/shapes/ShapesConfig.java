package org.cassl.app.shapes;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything that decides what a shapes dataset looks like. Two generators with equal configs
 * produce byte-identical datasets; the number of worker threads is not part of the config because
 * it never changes the output.
 *
 * <p>Category ids follow COCO: labeled class {@code i} of {@link #classes()} has id {@code i + 1};
 * novel kind {@code j} of {@link #novelKinds()} has id {@code classes().size() + j + 1} and
 * appears only in {@code unlabeled_gt.json}.
 *
 * @param width               image width in pixels (>= 32)
 * @param height              image height in pixels (>= 32)
 * @param minObjects          fewest objects attempted per image (>= 0)
 * @param maxObjects          most objects attempted per image (>= minObjects); placement may
 *                            give up on some when the image is crowded
 * @param minSize             smallest nominal object extent in pixels (>= 4)
 * @param maxSize             largest nominal object extent in pixels; sizes are log-uniform in
 *                            between, so small objects are the most common as in COCO
 * @param classes             the labeled classes, in category-id order (at least one)
 * @param novelKinds          kinds that appear only in the unlabeled split (disjoint from classes)
 * @param novelFraction       probability that an unlabeled-split object is a novel kind
 * @param seed                master seed; every image derives its own from (seed, split, index)
 * @param clutteredBackgrounds whether backgrounds may be value noise or faint patterns rather than
 *                            only smooth gradients
 * @param noiseSigma          largest per-image sensor noise standard deviation, 0..255 units
 * @param distractorDensity   expected lines, blobs and specks (not objects) per 128x128 pixels
 * @param occlusion           whether later objects may cover parts of earlier ones
 * @param minVisibleFraction  an object is kept only if at least this fraction of its full area
 *                            is visible (not covered, not outside the image)
 * @param minVisiblePixels    an object is kept only if at least this many pixels are visible
 * @param textures            fill textures to choose from (at least one)
 * @param outlineProbability  probability that an object gets a contrasting outline
 */
public record ShapesConfig(
        int width,
        int height,
        int minObjects,
        int maxObjects,
        double minSize,
        double maxSize,
        List<ShapeKind> classes,
        List<ShapeKind> novelKinds,
        double novelFraction,
        long seed,
        boolean clutteredBackgrounds,
        double noiseSigma,
        double distractorDensity,
        boolean occlusion,
        double minVisibleFraction,
        int minVisiblePixels,
        List<FillTexture> textures,
        double outlineProbability) {

    /** The default labeled classes: six silhouettes that stay distinct at small sizes. */
    public static final List<ShapeKind> DEFAULT_CLASSES = List.of(
            ShapeKind.CIRCLE, ShapeKind.SQUARE, ShapeKind.TRIANGLE,
            ShapeKind.STAR, ShapeKind.RING, ShapeKind.CROSS);

    /** The default novel kinds, seen only in the unlabeled pool. */
    public static final List<ShapeKind> DEFAULT_NOVEL_KINDS = List.of(
            ShapeKind.CRESCENT, ShapeKind.ARROW, ShapeKind.HEART);

    /**
     * Default largest object extent as a fraction of the image side. A little over half, so that
     * images of 192 px and more also hold some COCO "large" objects (area above 96^2).
     */
    public static final double LARGEST_OBJECT = 0.6;

    /** Validates every value; throws {@link ShapesException} naming the field on bad input. */
    public ShapesConfig {
        require(width >= 32 && width <= 4096, "width", width, "in [32, 4096]");
        require(height >= 32 && height <= 4096, "height", height, "in [32, 4096]");
        require(minObjects >= 0, "minObjects", minObjects, ">= 0");
        require(maxObjects >= minObjects && maxObjects <= 200, "maxObjects", maxObjects,
                "in [minObjects=" + minObjects + ", 200]");
        require(minSize >= 4, "minSize", minSize, ">= 4");
        require(maxSize >= minSize && maxSize <= Math.max(width, height), "maxSize", maxSize,
                "in [minSize=" + minSize + ", max(width, height)]");
        require(classes != null && !classes.isEmpty(), "classes", classes, "a non-empty list");
        require(novelKinds != null, "novelKinds", novelKinds, "a list (may be empty)");
        classes = List.copyOf(classes);
        novelKinds = List.copyOf(novelKinds);
        Set<ShapeKind> seen = new HashSet<>();
        for (ShapeKind kind : classes) {
            require(seen.add(kind), "classes", classes, "no repeated kind");
        }
        for (ShapeKind kind : novelKinds) {
            require(seen.add(kind), "novelKinds", novelKinds,
                    "kinds that are neither repeated nor labeled classes");
        }
        require(novelFraction >= 0 && novelFraction <= 1, "novelFraction", novelFraction, "in [0, 1]");
        require(!novelKinds.isEmpty() || novelFraction == 0, "novelFraction", novelFraction,
                "0 when there are no novel kinds");
        require(noiseSigma >= 0 && noiseSigma <= 64, "noiseSigma", noiseSigma, "in [0, 64]");
        require(distractorDensity >= 0 && distractorDensity <= 200, "distractorDensity",
                distractorDensity, "in [0, 200]");
        require(minVisibleFraction > 0 && minVisibleFraction <= 1, "minVisibleFraction",
                minVisibleFraction, "in (0, 1]");
        require(minVisiblePixels >= 1, "minVisiblePixels", minVisiblePixels, ">= 1");
        require(textures != null && !textures.isEmpty(), "textures", textures, "a non-empty list");
        textures = List.copyOf(textures);
        require(outlineProbability >= 0 && outlineProbability <= 1, "outlineProbability",
                outlineProbability, "in [0, 1]");
    }

    /**
     * The defaults: 128x128 images, 3 to 8 objects of 8 to 77 pixels, the six
     * {@link #DEFAULT_CLASSES}, the three {@link #DEFAULT_NOVEL_KINDS} making a third of the
     * unlabeled objects, cluttered backgrounds, occlusion down to 40% visibility.
     */
    public static ShapesConfig defaults() {
        return new ShapesConfig(128, 128, 3, 8, 8, Math.round(128 * LARGEST_OBJECT),
                DEFAULT_CLASSES, DEFAULT_NOVEL_KINDS, 1.0 / 3, 0,
                true, 6, 6, true, 0.4, 12,
                List.of(FillTexture.values()), 0.5);
    }

    /** Square images of {@code size} pixels, the largest objects {@link #LARGEST_OBJECT} of it. */
    public ShapesConfig withSize(int size) {
        double max = Math.round(size * LARGEST_OBJECT);
        return new ShapesConfig(size, size, minObjects, maxObjects, Math.min(minSize, max), max,
                classes, novelKinds, novelFraction, seed, clutteredBackgrounds, noiseSigma,
                distractorDensity, occlusion, minVisibleFraction, minVisiblePixels, textures,
                outlineProbability);
    }

    /** The same config with another master seed. */
    public ShapesConfig withSeed(long newSeed) {
        return new ShapesConfig(width, height, minObjects, maxObjects, minSize, maxSize,
                classes, novelKinds, novelFraction, newSeed, clutteredBackgrounds, noiseSigma,
                distractorDensity, occlusion, minVisibleFraction, minVisiblePixels, textures,
                outlineProbability);
    }

    /** The same config with another number of objects attempted per image. */
    public ShapesConfig withObjectsPerImage(int min, int max) {
        return new ShapesConfig(width, height, min, max, minSize, maxSize,
                classes, novelKinds, novelFraction, seed, clutteredBackgrounds, noiseSigma,
                distractorDensity, occlusion, minVisibleFraction, minVisiblePixels, textures,
                outlineProbability);
    }

    /** The same config with another object size range (nominal extent in pixels). */
    public ShapesConfig withSizeRange(double min, double max) {
        return new ShapesConfig(width, height, minObjects, maxObjects, min, max,
                classes, novelKinds, novelFraction, seed, clutteredBackgrounds, noiseSigma,
                distractorDensity, occlusion, minVisibleFraction, minVisiblePixels, textures,
                outlineProbability);
    }

    /** The same config with other labeled classes and novel kinds. */
    public ShapesConfig withKinds(List<ShapeKind> newClasses, List<ShapeKind> newNovelKinds) {
        return new ShapesConfig(width, height, minObjects, maxObjects, minSize, maxSize,
                newClasses, newNovelKinds, newNovelKinds.isEmpty() ? 0 : novelFraction, seed,
                clutteredBackgrounds, noiseSigma, distractorDensity, occlusion,
                minVisibleFraction, minVisiblePixels, textures, outlineProbability);
    }

    /** The same config with other clutter settings (background style, noise, distractors). */
    public ShapesConfig withClutter(boolean cluttered, double sigma, double density) {
        return new ShapesConfig(width, height, minObjects, maxObjects, minSize, maxSize,
                classes, novelKinds, novelFraction, seed, cluttered, sigma, density, occlusion,
                minVisibleFraction, minVisiblePixels, textures, outlineProbability);
    }

    /** The same config with occlusion allowed or forbidden. */
    public ShapesConfig withOcclusion(boolean allowed) {
        return new ShapesConfig(width, height, minObjects, maxObjects, minSize, maxSize,
                classes, novelKinds, novelFraction, seed, clutteredBackgrounds, noiseSigma,
                distractorDensity, allowed, minVisibleFraction, minVisiblePixels, textures,
                outlineProbability);
    }

    /** The COCO category id of a kind, or -1 when the kind is in neither list. */
    public int categoryId(ShapeKind kind) {
        int labeled = classes.indexOf(kind);
        if (labeled >= 0) {
            return labeled + 1;
        }
        int novel = novelKinds.indexOf(kind);
        return novel >= 0 ? classes.size() + novel + 1 : -1;
    }

    private static void require(boolean ok, String field, Object value, String expected) {
        if (!ok) {
            throw new ShapesException("shapes config: " + field + " = " + value
                    + " is invalid; expected " + expected);
        }
    }
}
