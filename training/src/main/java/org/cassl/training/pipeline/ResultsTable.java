package org.cassl.training.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The comparison table of a CA-SSL experiment and its {@code results.json}. */
public final class ResultsTable {
    /** Box metrics shown in the table. */
    public static final List<String> BOX = List.of("AP", "AP50", "AP75", "APs", "APm", "APl");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultsTable() {
    }

    /**
     * A fixed-width table, AP in percent, one row per model; the class-agnostic AP column ("locAP":
     * every class one "object") and mask AP columns when present.
     */
    public static String format(Map<String, Map<String, Double>> results) {
        boolean masks = results.values().stream().anyMatch(m -> m.containsKey("mask_AP"));
        boolean agnostic = results.values().stream().anyMatch(m -> m.containsKey("agnostic_AP"));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-14s", "model"));
        for (String k : BOX) {
            sb.append(String.format(Locale.ROOT, "%8s", k));
        }
        if (agnostic) {
            sb.append(String.format(Locale.ROOT, "%8s", "locAP"));
        }
        if (masks) {
            sb.append(String.format(Locale.ROOT, "%10s%10s", "maskAP", "maskAP50"));
        }
        sb.append('\n');
        for (Map.Entry<String, Map<String, Double>> e : results.entrySet()) {
            sb.append(String.format(Locale.ROOT, "%-14s", e.getKey()));
            for (String k : BOX) {
                sb.append(cell(e.getValue().get(k), 8));
            }
            if (agnostic) {
                sb.append(cell(e.getValue().get("agnostic_AP"), 8));
            }
            if (masks) {
                sb.append(cell(e.getValue().get("mask_AP"), 10)).append(cell(e.getValue().get("mask_AP50"), 10));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String cell(Double v, int width) {
        if (v == null || v.isNaN()) {
            return String.format(Locale.ROOT, "%" + width + "s", "-");
        }
        if (v < 0) {
            return String.format(Locale.ROOT, "%" + width + "s", "n/a");
        }
        return String.format(Locale.ROOT, "%" + width + ".1f", 100 * v);
    }

    /** Writes results.json: model name to metric name to value (AP as pycocotools fractions). */
    public static void write(Path file, Object results) {
        TrainRun.writeJson(file, results);
    }

    /** Compact JSON of a value (for reports). */
    public static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
