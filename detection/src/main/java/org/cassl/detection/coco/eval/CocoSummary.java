package org.cassl.detection.coco.eval;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The 12 COCO numbers for {@code bbox}/{@code segm} (pycocotools' {@code stats}): AP, AP50, AP75,
 * APs, APm, APl (at the largest maxDets), AR1, AR10, AR100, ARs, ARm, ARl; -1 where a slice has no
 * ground truth. {@link #text()} is the table pycocotools prints, line for line.
 *
 * @param stats the 12 numbers in the order above
 * @param text the printed table (12 lines, each ending in a newline)
 */
public record CocoSummary(double[] stats, String text) {
    /** Names of {@link #stats()} entries, in order. */
    public static final List<String> NAMES = List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100",
            "ARs", "ARm", "ARl");

    public CocoSummary {
        stats = stats.clone();
    }

    /** One stat by name ({@link #NAMES}). */
    public double get(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown COCO stat '" + name + "', expected one of " + NAMES);
        }
        return stats[i];
    }

    static CocoSummary of(Accumulation acc) {
        EvalParams p = acc.params();
        int[] md = p.maxDets();
        int m0 = md[0];
        int m1 = md.length > 1 ? md[1] : md[0];
        int m2 = md.length > 2 ? md[2] : md[md.length - 1];
        double nan = Double.NaN;
        StringBuilder sb = new StringBuilder();
        double[] s = new double[12];
        s[0] = line(sb, acc, true, nan, "all", m2);
        s[1] = line(sb, acc, true, .5, "all", m2);
        s[2] = line(sb, acc, true, .75, "all", m2);
        s[3] = line(sb, acc, true, nan, "small", m2);
        s[4] = line(sb, acc, true, nan, "medium", m2);
        s[5] = line(sb, acc, true, nan, "large", m2);
        s[6] = line(sb, acc, false, nan, "all", m0);
        s[7] = line(sb, acc, false, nan, "all", m1);
        s[8] = line(sb, acc, false, nan, "all", m2);
        s[9] = line(sb, acc, false, nan, "small", m2);
        s[10] = line(sb, acc, false, nan, "medium", m2);
        s[11] = line(sb, acc, false, nan, "large", m2);
        return new CocoSummary(s, sb.toString());
    }

    /** One {@code _summarize} call: the value and its printed line. */
    private static double line(StringBuilder sb, Accumulation acc, boolean ap, double iouThr, String area, int maxDets) {
        double v = ap ? acc.meanPrecision(iouThr, area, maxDets, -1) : acc.meanRecall(iouThr, area, maxDets, -1);
        double[] thr = acc.params().iouThrs();
        String iouStr = Double.isNaN(iouThr) ? fixed(thr[0], 2) + ":" + fixed(thr[thr.length - 1], 2) : fixed(iouThr, 2);
        String title = ap ? "Average Precision" : "Average Recall";
        String type = ap ? "(AP)" : "(AR)";
        sb.append(' ').append(padRight(title, 18)).append(' ').append(type)
                .append(" @[ IoU=").append(padRight(iouStr, 9))
                .append(" | area=").append(padLeft(area, 6))
                .append(" | maxDets=").append(padLeft(Integer.toString(maxDets), 3))
                .append(" ] = ").append(fixed(v, 3)).append('\n');
        return v;
    }

    /** Python's {@code '{:0.Nf}'}: the exact binary value rounded half-even. */
    static String fixed(double v, int digits) {
        return new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static String padRight(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    private static String padLeft(String s, int w) {
        return s.length() >= w ? s : " ".repeat(w - s.length()) + s;
    }
}
