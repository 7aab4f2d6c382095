package org.cassl.app.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line charts of training curves written as PNG files (XChart, headless). */
public final class Plots {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {
    }

    /** One named curve: x and y values of equal length. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length + " y values");
            }
        }

        public static Series of(String name, List<? extends Number> x, List<? extends Number> y) {
            return new Series(name, x.stream().mapToDouble(Number::doubleValue).toArray(),
                    y.stream().mapToDouble(Number::doubleValue).toArray());
        }
    }

    /**
     * Writes a line chart to {@code png}. Empty series are skipped; a chart with no data still
     * gets written (with a note in its title) so reports never link to missing files.
     */
    public static void lineChart(Path png, String title, String xLabel, String yLabel, List<Series> series,
                                 boolean markers) {
        XYChart chart = new XYChartBuilder().width(720).height(420).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel)
                .build();
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        int added = 0;
        for (Series s : series) {
            if (s.x().length == 0) {
                continue;
            }
            XYSeries xy = chart.addSeries(s.name(), s.x(), s.y());
            xy.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            added++;
        }
        if (added == 0) {
            chart.setTitle(title + " (no data)");
            chart.addSeries("none", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
        }
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            Path tmp = png.resolveSibling(png.getFileName() + ".tmp.png");
            BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
            Files.move(tmp, png, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plot " + png + ": " + e.getMessage(), e);
        }
    }

    /** Moving average with a trailing window, for noisy loss curves. */
    public static double[] smooth(double[] y, int window) {
        double[] out = new double[y.length];
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += y[i];
            if (i >= window) {
                sum -= y[i - window];
            }
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }

    /** Convenience for a map of named curves sharing an x axis. */
    public static List<Series> fromMap(double[] x, Map<String, double[]> ys) {
        return ys.entrySet().stream().map(e -> new Series(e.getKey(), x, e.getValue())).toList();
    }
}
