package org.cassl.app.shapes;

/**
 * The difficulty knobs of the generator, each optional: a null field keeps the value of
 * {@link ShapesConfig#defaults()} (object sizes scaled to the image size). These are the
 * {@code generate-shapes} options of the same names.
 *
 * @param minObjects          fewest objects attempted per image ({@code --min-objects})
 * @param maxObjects          most objects attempted per image ({@code --max-objects})
 * @param minObjectSize       smallest nominal object extent in pixels ({@code --min-object-size})
 * @param maxObjectSize       largest nominal object extent in pixels ({@code --max-object-size})
 * @param distractorDensity   lines, blobs and specks per 128x128 pixels ({@code --distractors})
 * @param minVisibleFraction  smallest visible fraction of a kept object ({@code --min-visible})
 * @param noiseSigma          largest sensor-noise standard deviation, 0..255 units ({@code --noise})
 * @param clutteredBackgrounds value-noise and pattern backgrounds rather than only gradients ({@code --cluttered})
 * @param occlusion           later objects may cover earlier ones ({@code --occlusion})
 * @param novelFraction       probability that an unlabeled-pool object is a novel kind ({@code --novel-fraction})
 * @param textures            fill textures objects are painted with, chosen per object independently of its kind
 *                            ({@code --textures}); busy ones (stripes, checker, noise) put edges inside the
 *                            silhouette, which is all that tells the classes apart
 * @param outlineProbability  probability that an object gets a contrasting outline ({@code --outline-probability})
 */
public record Difficulty(Integer minObjects, Integer maxObjects, Double minObjectSize, Double maxObjectSize,
                         Double distractorDensity, Double minVisibleFraction, Double noiseSigma,
                         Boolean clutteredBackgrounds, Boolean occlusion, Double novelFraction,
                         java.util.List<FillTexture> textures, Double outlineProbability) {

    /** The ten knobs that existed before the texture and outline ones (those keep their defaults). */
    public Difficulty(Integer minObjects, Integer maxObjects, Double minObjectSize, Double maxObjectSize,
                      Double distractorDensity, Double minVisibleFraction, Double noiseSigma,
                      Boolean clutteredBackgrounds, Boolean occlusion, Double novelFraction) {
        this(minObjects, maxObjects, minObjectSize, maxObjectSize, distractorDensity, minVisibleFraction, noiseSigma,
                clutteredBackgrounds, occlusion, novelFraction, null, null);
    }


    /** Every knob at the generator's default. */
    public static Difficulty defaults() {
        return new Difficulty(null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** {@code base} with the knobs that are set here replaced; throws {@link ShapesException} on a bad value. */
    public ShapesConfig applyTo(ShapesConfig base) {
        return new ShapesConfig(base.width(), base.height(),
                or(minObjects, base.minObjects()), or(maxObjects, base.maxObjects()),
                or(minObjectSize, Math.min(base.minSize(), or(maxObjectSize, base.maxSize()))),
                or(maxObjectSize, base.maxSize()),
                base.classes(), base.novelKinds(), or(novelFraction, base.novelFraction()), base.seed(),
                or(clutteredBackgrounds, base.clutteredBackgrounds()), or(noiseSigma, base.noiseSigma()),
                or(distractorDensity, base.distractorDensity()), or(occlusion, base.occlusion()),
                or(minVisibleFraction, base.minVisibleFraction()), base.minVisiblePixels(), or(textures, base.textures()),
                or(outlineProbability, base.outlineProbability()));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
