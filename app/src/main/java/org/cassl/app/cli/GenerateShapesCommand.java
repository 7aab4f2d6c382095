package org.cassl.app.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cassl.app.shapes.DatasetSummary;
import org.cassl.app.shapes.Difficulty;
import org.cassl.app.shapes.FillTexture;
import org.cassl.app.shapes.GenerateShapes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cassl generate-shapes}: the synthetic COCO-format dataset used by the demo. */
@Command(name = "generate-shapes", mixinStandardHelpOptions = true,
        description = {"Generate the synthetic shapes dataset: PNG images with COCO boxes and instance polygons.",
            "Writes labeled/, unlabeled/, val/ (test/ with --test) and labeled.json, val.json, test.json,",
            "unlabeled.json (image list),",
            "unlabeled_gt.json (true boxes incl. novel kinds, for analysis only). Deterministic for a seed."})
final class GenerateShapesCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (must be empty or absent).")
    Path out;

    @Option(names = "--labeled", defaultValue = "300", description = "Labeled training images (default: ${DEFAULT-VALUE}).")
    int labeled;

    @Option(names = "--unlabeled", defaultValue = "1000", description = "Unlabeled images (default: ${DEFAULT-VALUE}).")
    int unlabeled;

    @Option(names = "--val", defaultValue = "200", description = "Validation images (default: ${DEFAULT-VALUE}).")
    int val;

    @Option(names = "--test", defaultValue = "0",
            description = "Test images, test/ and test.json (default: ${DEFAULT-VALUE}: no test split).")
    int test;

    @Option(names = "--min-objects", paramLabel = "N", description = "Fewest objects attempted per image (default 3).")
    Integer minObjects;

    @Option(names = "--max-objects", paramLabel = "N", description = "Most objects attempted per image (default 8).")
    Integer maxObjects;

    @Option(names = "--min-object-size", paramLabel = "PX", description = "Smallest object extent in pixels (default 8).")
    Double minObjectSize;

    @Option(names = "--max-object-size", paramLabel = "PX",
            description = "Largest object extent in pixels (default 0.6 x --size).")
    Double maxObjectSize;

    @Option(names = "--distractors", paramLabel = "D",
            description = "Distractor lines, blobs and specks per 128x128 pixels (default 6).")
    Double distractors;

    @Option(names = "--min-visible", paramLabel = "F",
            description = "Keep an object only if this fraction of it is visible, in (0, 1] (default 0.4).")
    Double minVisible;

    @Option(names = "--noise", paramLabel = "SIGMA", description = "Largest sensor-noise sigma, 0..64 (default 6).")
    Double noise;

    @Option(names = "--cluttered", negatable = true, fallbackValue = "true", arity = "0..1",
            description = "Cluttered backgrounds (value noise, patterns); --no-cluttered: smooth gradients only (default on).")
    Boolean cluttered;

    @Option(names = "--occlusion", negatable = true, fallbackValue = "true", arity = "0..1",
            description = "Objects may cover each other (default on).")
    Boolean occlusion;

    @Option(names = "--novel-fraction", paramLabel = "P",
            description = "Probability that an unlabeled-pool object is a novel kind (default 0.333).")
    Double novelFraction;

    @Option(names = "--textures", split = ",", paramLabel = "T[,T...]",
            description = "Fill textures to paint objects with, chosen per object whatever its kind: any of "
                    + "solid, gradient, stripes, checker, noise (default: all five).")
    java.util.List<String> textures;

    @Option(names = "--outline-probability", paramLabel = "P",
            description = "Probability that an object gets a contrasting outline, in [0, 1] (default 0.5).")
    Double outlineProbability;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", defaultValue = "128", description = "Image side in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--overwrite", description = "Replace an existing shapes dataset in --out.")
    boolean overwrite;

    @Option(names = "--threads", defaultValue = "0", description = "Worker threads (0: all processors).")
    int threads;

    @Override
    public Integer call() {
        Difficulty d = new Difficulty(minObjects, maxObjects, minObjectSize, maxObjectSize, distractors, minVisible, noise,
                cluttered, occlusion, novelFraction, FillTexture.parseList(textures), outlineProbability);
        DatasetSummary s = GenerateShapes.run(new GenerateShapes.Options(out, labeled, unlabeled, val, seed, size, overwrite,
                threads, test, d));
        System.out.print(s.toText());
        return 0;
    }
}
