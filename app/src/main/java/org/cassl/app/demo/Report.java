package org.cassl.app.demo;

import org.cassl.training.api.Detection;
import org.cassl.training.api.Detector;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cassl.detection.Detections;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoCategory;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoImage;
import org.cassl.detection.coco.CocoReader;
import org.cassl.detection.fcos.Fcos;
import org.cassl.nn.Weights;
import org.cassl.training.io.AtomicFiles;
import org.cassl.training.data.Images;
import org.cassl.training.data.RgbImage;
import org.cassl.training.pipeline.ResultsTable;
import org.cassl.training.pipeline.TrainRun;
import org.cassl.app.report.DetectionDrawer;
import org.cassl.app.report.Plots;
import org.cassl.training.trainer.MetricsLog;

/** The demo's plots, drawn detections and {@code report.html}. */
final class Report {
    private static final int DRAWN_IMAGES = 4;
    private static final double DRAW_SCORE = 0.3;

    private Report() {
    }

    static void write(DemoPlan plan, Path out, Map<Long, Map<String, Map<String, Double>>> perSeed,
                      Map<String, Object> results) {
        long firstSeed = plan.seeds().get(0);
        Path seedDir = out.resolve("seed-" + firstSeed);
        Map<String, Path> stages = DemoRunner.stages(seedDir);
        plots(out, stages);
        List<String[]> drawn = drawings(out, stages);
        html(plan, out, results, drawn);
    }

    private static void plots(Path out, Map<String, Path> stages) {
        List<Plots.Series> loss = new ArrayList<>();
        List<Plots.Series> ap = new ArrayList<>();
        for (Map.Entry<String, Path> e : stages.entrySet()) {
            List<Double> it = new ArrayList<>();
            List<Double> l = new ArrayList<>();
            List<Double> evIt = new ArrayList<>();
            List<Double> evAp = new ArrayList<>();
            for (JsonNode n : MetricsLog.read(e.getValue().resolve("metrics.jsonl"))) {
                if (n.has("eval")) {
                    evIt.add(n.get("iter").asDouble());
                    evAp.add(100 * n.get("eval").path("AP").asDouble());
                } else if (n.has("loss")) {
                    it.add(n.get("iter").asDouble());
                    l.add(n.get("loss").asDouble());
                }
            }
            Plots.Series s = Plots.Series.of(e.getKey(), it, l);
            loss.add(new Plots.Series(e.getKey(), s.x(), Plots.smooth(s.y(), 3)));
            if (!evIt.isEmpty()) {
                ap.add(Plots.Series.of(e.getKey(), evIt, evAp));
            }
        }
        Plots.lineChart(out.resolve("plots/loss.png"), "Training loss (sum of FCOS losses)", "iteration", "loss", loss, false);
        Plots.lineChart(out.resolve("plots/ap.png"), "Validation box AP during training (labeled stages)", "iteration", "AP (%)", ap, true);
    }

    /** Ground truth, baseline and CA-SSL (and control) detections on the first test images; rows of relative paths. */
    private static List<String[]> drawings(Path out, Map<String, Path> stages) {
        List<String[]> rows = new ArrayList<>();
        Path data = out.resolve("data");
        CocoDataset val;
        try {
            val = CocoReader.read(data.resolve("test.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<Long, String> names = new LinkedHashMap<>();
        for (CocoCategory c : val.categories()) {
            names.put(c.id(), c.name());
        }
        Map<String, Detector> models = new LinkedHashMap<>();
        for (String s : List.of("baseline", "baseline-long", "finetune-labeled", "finetune-aware", "finetune-agnostic")) {
            Path dir = stages.get(s);
            if (dir != null) {
                models.put(s, Detector.load(dir.resolve("config.json"), TrainRun.weightsOf(dir)));
            }
        }
        List<CocoImage> images = val.images().subList(0, Math.min(DRAWN_IMAGES, val.images().size()));
        for (CocoImage im : images) {
            RgbImage rgb = Images.read(data.resolve("test").resolve(im.fileName()));
            String stem = im.fileName().replaceAll("\\.[^.]*$", "");
            List<String> row = new ArrayList<>();
            List<DetectionDrawer.Item> gt = new ArrayList<>();
            for (CocoAnnotation a : val.annotationsForImage(im.id())) {
                gt.add(new DetectionDrawer.Item(a.bbox().x(), a.bbox().y(), a.bbox().x2(), a.bbox().y2(),
                        (int) a.categoryId(), names.getOrDefault(a.categoryId(), "?"), null));
            }
            String gtName = "detections/" + stem + "-ground-truth.png";
            DetectionDrawer.writePng(DetectionDrawer.draw(Images.toBufferedImage(rgb), gt, 3), out.resolve(gtName));
            row.add(gtName);
            for (Map.Entry<String, Detector> m : models.entrySet()) {
                List<DetectionDrawer.Item> items = new ArrayList<>();
                for (Detection d : m.getValue().detect(rgb.toTensor())) {
                    if (d.score() >= DRAW_SCORE) {
                        items.add(DetectionDrawer.Item.of(d, names.getOrDefault((long) d.label(), "?")));
                    }
                }
                String name = "detections/" + stem + "-" + m.getKey() + ".png";
                DetectionDrawer.writePng(DetectionDrawer.draw(Images.toBufferedImage(rgb), items, 3), out.resolve(name));
                row.add(name);
            }
            rows.add(row.toArray(new String[0]));
        }
        models.values().forEach(Detector::close);
        rows.add(0, headerRow(models.keySet()));
        return rows;
    }

    private static String[] headerRow(java.util.Set<String> models) {
        List<String> h = new ArrayList<>(List.of("ground truth"));
        for (String m : models) {
            h.add(switch (m) {
                case "baseline" -> models.contains("baseline-long") ? "baseline (a)" : "baseline (a) = baseline_long (b)";
                case "baseline-long" -> "baseline_long (b)";
                case "finetune-labeled" -> "labeled_warmup (c)";
                case "finetune-aware" -> "class_aware (d)";
                case "finetune-agnostic" -> "CA-SSL (e)";
                default -> m;
            });
        }
        return h.toArray(new String[0]);
    }

    private static void html(DemoPlan plan, Path out, Map<String, Object> results, List<String[]> drawn) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>cassl demo: CA-SSL vs baseline</title><style>")
                .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}")
                .append("table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}")
                .append("th:first-child,td:first-child{text-align:left}img{max-width:100%}.grid img{width:240px}")
                .append("pre{background:#f6f6f6;padding:8px}</style></head><body>");
        h.append("<h1>CA-SSL on synthetic shapes</h1>");
        h.append("<p>FCOS (ResNet-18, FPN ").append(plan.model().fpnChannels()).append(" channels, levels P")
                .append(plan.model().fpnLevels().get(0)).append("-P").append(plan.model().maxLevel())
                .append(") trained from scratch on ").append(plan.labeled())
                .append(" labeled images; CA-SSL additionally uses ").append(plan.unlabeled())
                .append(" unlabeled images (which also contain object kinds outside the labeled classes). Mode <b>")
                .append(plan.name()).append("</b>, seeds ").append(plan.seeds()).append("; teacher/baseline L = ")
                .append(plan.teacherIters()).append(" iterations, warmup W = ").append(plan.warmupIters())
                .append(", fine-tune F = ").append(plan.finetuneIters()).append(", batch ").append(plan.batch())
                .append(", ").append(plan.optimizer()).append(" lr ").append(plan.lr()).append(" (").append(plan.schedule())
                .append(plan.emaDecay() > 0 ? ", weight EMA " + plan.emaDecay() : "").append("), pseudo-label threshold ")
                .append(plan.tau()).append(".</p>");
        h.append("<p>Models: (a) <b>baseline</b>: labeled only, L iterations (the teacher); (b) <b>baseline_long</b>: labeled")
                .append(" only, W + F iterations (the same run as (a) when L = W + F); (c) <b>labeled_warmup</b>: class-agnostic")
                .append(" warmup on the labeled ground truth, then the fine-tune (no unlabeled data); (d) <b>class_aware</b>:")
                .append(" warmup on pseudo-labels with the teacher's classes, then the fine-tune; (e) <b>ca_ssl</b>:")
                .append(" class-agnostic warmup on pseudo-labels, then the fine-tune. (b) and (c) match CA-SSL's compute;")
                .append(" <b>gain</b> = CA-SSL AP minus the better of them. <b>locAP</b> is the class-agnostic box AP (every")
                .append(" class one \"object\", one box per object after a class-agnostic NMS): how well a model finds and")
                .append(" places objects whatever class it names, the signal the class-agnostic warmup trains.</p>");
        h.append("<h2>Test results (COCO metrics, %, mean over seeds)</h2><pre>")
                .append(escape(ResultsTable.format(Aggregate.means(results)))).append("</pre>");
        plan.partialSeedsNote().ifPresent(n -> h.append("<p>").append(escape(n)).append("</p>"));
        if (results.get("gain_over_controls") instanceof Map<?, ?> g) {
            h.append(String.format(Locale.ROOT, "<p><b>CA-SSL gain over the better compute-matched control: %+.1f AP points"
                    + "</b> (std %.1f, per seed %s)%s</p>", 100 * ((Number) g.get("AP_gain_mean")).doubleValue(),
                    100 * ((Number) g.get("AP_gain_std")).doubleValue(), g.get("AP_gain_per_seed"),
                    ((Number) g.get("AP_gain_mean")).doubleValue() > 0 ? ""
                            : ": <b>no gain</b> &mdash; on this budget the unlabeled data does not beat training longer on the labeled set"));
        }
        if (results.get("localisation_gain_over_controls") instanceof Map<?, ?> g) {
            h.append(String.format(Locale.ROOT, "<p>Class-agnostic (locAP) gain over the better control: %+.1f points"
                    + " (std %.1f, per seed %s)</p>", 100 * ((Number) g.get("AP_gain_mean")).doubleValue(),
                    100 * ((Number) g.get("AP_gain_std")).doubleValue(), g.get("AP_gain_per_seed")));
        }
        if (results.get("val") instanceof Map<?, ?> v) {
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Double>> vm = (Map<String, Map<String, Double>>) v;
            h.append("<h3>Validation (where choices are made)</h3><pre>").append(escape(ResultsTable.format(vm))).append("</pre>");
        }
        if (results.get("ablations") != null) {
            h.append("<h3>Ablations (first seed)</h3><pre>").append(escape(ResultsTable.json(results.get("ablations"))))
                    .append("</pre>");
        }
        for (Map.Entry<String, Object> e : results.entrySet()) {
            if (e.getKey().endsWith("_vs_baseline") && e.getValue() instanceof Map<?, ?> g) {
                h.append(String.format(Locale.ROOT, "<p><b>%s</b>: AP gain %+.1f &plusmn; %.1f points (per seed %s)</p>",
                        e.getKey().replace("_vs_baseline", " vs baseline"), 100 * ((Number) g.get("AP_gain_mean")).doubleValue(),
                        100 * ((Number) g.get("AP_gain_std")).doubleValue(), g.get("AP_gain_per_seed")));
            }
        }
        h.append("<h2>Curves (seed ").append(plan.seeds().get(0)).append(")</h2>")
                .append("<img src=\"plots/loss.png\"><img src=\"plots/ap.png\">");
        h.append("<h2>Detections on test images (score &ge; ").append(DRAW_SCORE).append(")</h2><table class=\"grid\">");
        for (int r = 0; r < drawn.size(); r++) {
            h.append("<tr>");
            for (String c : drawn.get(r)) {
                h.append(r == 0 ? "<th>" + escape(c) + "</th>" : "<td><img src=\"" + escape(c) + "\"></td>");
            }
            h.append("</tr>");
        }
        h.append("</table><p>Raw numbers: <a href=\"results.json\">results.json</a>; per-stage logs in seed-*/*/metrics.jsonl.</p>");
        h.append("</body></html>\n");
        try {
            AtomicFiles.writeString(out.resolve("report.html"), h.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
