package org.cassl.app.shapes;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a generator run wrote, for the command line to print.
 *
 * @param root          the dataset folder
 * @param config        the config it was generated from
 * @param splits        one entry per split, in the order labeled, unlabeled, val
 * @param elapsedMillis wall-clock time of the run
 */
public record DatasetSummary(Path root, ShapesConfig config, List<SplitSummary> splits, long elapsedMillis) {

    /**
     * Counts for one split.
     *
     * @param split              the split
     * @param images             images written
     * @param objects            annotated objects (labeled classes and novel kinds together)
     * @param objectsPerCategory object count per category name, in category-id order; categories
     *                           that never occur are listed with 0
     */
    public record SplitSummary(Split split, int images, int objects, Map<String, Integer> objectsPerCategory) {
    }

    /** The split's summary, or null if the split was not generated. */
    public SplitSummary split(Split split) {
        return splits.stream().filter(s -> s.split() == split).findFirst().orElse(null);
    }

    /** A small plain-text table: one row per split, one column per category. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("shapes dataset in %s (%dx%d, seed %d, %.1f s)%n",
                root, config.width(), config.height(), config.seed(), elapsedMillis / 1000.0));
        List<String> names = splits.isEmpty() ? List.of()
                : List.copyOf(splits.stream().max((a, b) -> Integer.compare(
                        a.objectsPerCategory().size(), b.objectsPerCategory().size()))
                        .orElseThrow().objectsPerCategory().keySet());
        sb.append(String.format("%-10s %7s %8s", "split", "images", "objects"));
        for (String name : names) {
            sb.append(String.format(" %9s", name));
        }
        sb.append(System.lineSeparator());
        for (SplitSummary s : splits) {
            sb.append(String.format("%-10s %7d %8d", s.split().folder(), s.images(), s.objects()));
            for (String name : names) {
                Integer n = s.objectsPerCategory().get(name);
                sb.append(String.format(" %9s", n == null ? "-" : n.toString()));
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }
}
