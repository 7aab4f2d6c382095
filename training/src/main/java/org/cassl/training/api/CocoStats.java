package org.cassl.training.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The 12 COCO summary numbers, pycocotools' {@code COCOeval.stats} in order, as fractions in
 * [0, 1], or -1 where a slice has no ground truth (for example no small objects).
 *
 * @param ap        AP at IoU 0.50:0.95, all areas, 100 detections
 * @param ap50      AP at IoU 0.50
 * @param ap75      AP at IoU 0.75
 * @param apSmall   AP for small objects (area below 32²)
 * @param apMedium  AP for medium objects
 * @param apLarge   AP for large objects (area above 96²)
 * @param ar1       AR with 1 detection per image
 * @param ar10      AR with 10 detections per image
 * @param ar100     AR with 100 detections per image
 * @param arSmall   AR for small objects
 * @param arMedium  AR for medium objects
 * @param arLarge   AR for large objects
 */
public record CocoStats(double ap, double ap50, double ap75, double apSmall, double apMedium, double apLarge,
                        double ar1, double ar10, double ar100, double arSmall, double arMedium, double arLarge) {
    /** The names of the stats in order, as the command line and {@code eval.json} write them. */
    public static final List<String> NAMES = List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100",
            "ARs", "ARm", "ARl");

    /**
     * The stats from pycocotools' order.
     *
     * @param stats 12 numbers
     * @return the record
     * @throws NullPointerException     if {@code stats} is null
     * @throws IllegalArgumentException if there are not 12 numbers
     */
    public static CocoStats of(double[] stats) {
        Objects.requireNonNull(stats, "stats");
        if (stats.length != 12) {
            throw new IllegalArgumentException("expected the 12 COCO stats, got " + stats.length + " numbers");
        }
        double[] s = stats;
        return new CocoStats(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11]);
    }

    /**
     * The stats from a metrics map keyed by {@link #NAMES} (optionally with a prefix, such as
     * {@code "mask_"} for mask metrics), as training listeners and job results report them.
     *
     * @param metrics name to value
     * @param prefix  prepended to each name ("" for box metrics)
     * @return the record, or null when the map lacks any of the 12 entries
     */
    public static CocoStats fromMap(Map<String, Double> metrics, String prefix) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(prefix, "prefix");
        double[] s = new double[12];
        for (int i = 0; i < 12; i++) {
            Double v = metrics.get(prefix + NAMES.get(i));
            if (v == null) {
                return null;
            }
            s[i] = v;
        }
        return of(s);
    }

    /**
     * The stats in pycocotools' order.
     *
     * @return a new array of 12 numbers
     */
    public double[] toArray() {
        return new double[] {ap, ap50, ap75, apSmall, apMedium, apLarge, ar1, ar10, ar100, arSmall, arMedium, arLarge};
    }

    /**
     * The stats by name ({@link #NAMES}), in order.
     *
     * @return a new insertion-ordered map
     */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        double[] a = toArray();
        for (int i = 0; i < 12; i++) {
            m.put(NAMES.get(i), a[i]);
        }
        return m;
    }
}
