package org.cassl.app.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cassl.app.shapes.DatasetSummary;
import org.cassl.app.shapes.GenerateShapes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cassl generate-shapes}: the synthetic COCO-format dataset used by the demo. */
@Command(name = "generate-shapes", mixinStandardHelpOptions = true,
        description = {"Generate the synthetic shapes dataset: PNG images with COCO boxes and instance polygons.",
            "Writes labeled/, unlabeled/, val/ and labeled.json, val.json, unlabeled.json (image list),",
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
        DatasetSummary s = GenerateShapes.run(new GenerateShapes.Options(out, labeled, unlabeled, val, seed, size, overwrite,
                threads));
        System.out.print(s.toText());
        return 0;
    }
}
