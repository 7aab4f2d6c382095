package org.cassl.training.trainer;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The command line's view of a run: a progress bar with the loss components, images per second
 * and ETA, on stderr so stdout stays machine-readable.
 */
public final class ProgressBarListener implements TrainingListener {
    private final PrintStream stream;
    private ProgressBar bar;
    private long lastUpdateNanos;
    private double emaLoss = Double.NaN;
    private long startIteration;

    public ProgressBarListener() {
        this(System.err);
    }

    public ProgressBarListener(PrintStream stream) {
        this.stream = stream;
    }

    @Override
    public void onStart(String stage, long startIteration, long total) {
        this.startIteration = startIteration;
        bar = new ProgressBarBuilder().setTaskName(stage).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).setConsumer(new ConsoleProgressBarConsumer(stream, 120))
                .startsFrom(startIteration, java.time.Duration.ZERO).showSpeed().setUnit(" it", 1).build();
    }

    @Override
    public void onIteration(IterationRecord r) {
        if (bar == null) {
            return;
        }
        emaLoss = Double.isNaN(emaLoss) ? r.loss() : 0.9 * emaLoss + 0.1 * r.loss();
        bar.stepTo(r.iteration());
        long now = System.nanoTime();
        if (now - lastUpdateNanos > 250_000_000L || r.iteration() == r.total()) {
            lastUpdateNanos = now;
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, " loss %.3f", emaLoss));
            for (Map.Entry<String, Double> e : r.losses().entrySet()) {
                sb.append(String.format(Locale.ROOT, " %s %.3f", shortName(e.getKey()), e.getValue()));
            }
            long done = r.iteration() - startIteration;
            if (done > 0) {
                sb.append(String.format(Locale.ROOT, " lr %.2g", r.lr()));
            }
            bar.setExtraMessage(sb.toString());
        }
    }

    private static String shortName(String k) {
        switch (k) {
            case "classification": return "cls";
            case "bbox_regression": return "box";
            case "bbox_ctrness": return "ctr";
            case "loss_mask": return "mask";
            default: return k;
        }
    }

    @Override
    public void onEvaluation(long iteration, Map<String, Double> metrics) {
        if (bar != null && metrics.containsKey("AP")) {
            bar.setExtraMessage(String.format(Locale.ROOT, " eval @%d: AP %.3f AP50 %.3f", iteration, metrics.get("AP"),
                    metrics.getOrDefault("AP50", Double.NaN)));
        }
    }

    @Override
    public void onEnd(TrainOutcome outcome) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /**
     * A progress bar of images done out of {@code total} on {@code stream} (pseudo-labelling):
     * feed it the count of images done; it closes itself at {@code total}.
     */
    public static java.util.function.IntConsumer images(String task, int total, PrintStream stream) {
        ProgressBar b = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).setUnit(" img", 1).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(stream, 100)).build();
        boolean[] closed = new boolean[1];
        return i -> {
            if (closed[0]) {
                return;
            }
            b.stepTo(i);
            if (i >= total) {
                b.close();
                closed[0] = true;
            }
        };
    }
}
