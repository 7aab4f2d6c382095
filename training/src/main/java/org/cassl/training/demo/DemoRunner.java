package org.cassl.training.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cassl.training.detection.Augmentation;
import org.cassl.training.pipeline.CaSslConfig;
import org.cassl.training.pipeline.CaSslPipeline;
import org.cassl.training.pipeline.PseudoLabelOptions;
import org.cassl.training.pipeline.ResultsTable;
import org.cassl.training.pipeline.TrainRun;
import org.cassl.training.pipeline.UnlabeledImages;
import org.cassl.training.shapes.DatasetSummary;
import org.cassl.training.shapes.GenerateShapes;
import org.cassl.training.trainer.TrainOptions;

/**
 * The demo end to end: the shapes dataset, the CA-SSL experiment for every seed, the averaged
 * comparison, plots, drawn detections and {@code report.html}. Every step is resumable: rerunning
 * the demo on the same folder continues where it stopped.
 */
public final class DemoRunner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DemoPlan plan;
    private final Path out;
    private final CaSslPipeline.Listener listener;

    public DemoRunner(DemoPlan plan, Path out, CaSslPipeline.Listener listener) {
        this.plan = plan;
        this.out = out;
        this.listener = listener;
    }

    public Path dataDir() {
        return out.resolve("data");
    }

    /** Runs everything and returns the aggregated results (also written to results.json). */
    public Map<String, Object> run() {
        long t0 = System.nanoTime();
        ensureData();
        Map<Long, Map<String, Map<String, Double>>> perSeed = new LinkedHashMap<>();
        for (int i = 0; i < plan.seeds().size(); i++) {
            long seed = plan.seeds().get(i);
            listener.onStage("seed-" + seed, "CA-SSL experiment, seed " + seed);
            perSeed.put(seed, new CaSslPipeline(experiment(seed, plan.warmupsForSeed(i)), listener, null).run());
        }
        Map<String, Object> results = Aggregate.results(plan, perSeed);
        results.put("seconds", (System.nanoTime() - t0) / 1e9);
        ResultsTable.write(out.resolve("results.json"), results);
        Report.write(plan, out, perSeed, results);
        return results;
    }

    private void ensureData() {
        Path data = dataDir();
        Path cfg = data.resolve("shapes_config.json");
        if (Files.isRegularFile(cfg)) {
            try {
                JsonNode n = JSON.readTree(cfg.toFile());
                JsonNode im = n.path("images");
                if (im.path("labeled").asInt() == plan.labeled() && im.path("unlabeled").asInt() == plan.unlabeled()
                        && im.path("val").asInt() == plan.val() && n.path("seed").asLong() == plan.dataSeed()
                        && n.path("width").asInt() == plan.imageSize()) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            listener.onStage("data", "regenerating the shapes dataset (the plan changed)");
        } else {
            listener.onStage("data", "generating the shapes dataset");
        }
        DatasetSummary s = GenerateShapes.run(new GenerateShapes.Options(data, plan.labeled(), plan.unlabeled(), plan.val(),
                plan.dataSeed(), plan.imageSize(), true, 0));
        System.err.print(s.toText());
    }

    CaSslConfig experiment(long seed, java.util.List<org.cassl.training.pipeline.WarmupMode> warmups) {
        Path data = dataDir();
        int evalEvery = (int) Math.max(1, plan.stageIters() / Math.max(1, plan.evalPoints()));
        TrainOptions stage = options(plan.stageIters(), seed, evalEvery);
        TrainOptions warm = options(plan.warmupIters(), seed, 0);
        return new CaSslConfig(plan.model(), data.resolve("labeled.json"), data.resolve("labeled"),
                UnlabeledImages.folder(data.resolve("unlabeled")), data.resolve("val.json"), data.resolve("val"),
                out.resolve("seed-" + seed), stage, warm, stage, PseudoLabelOptions.defaults().withTau(plan.tau()),
                warmups, Augmentation.standard());
    }

    private TrainOptions options(long iters, long seed, int evalEvery) {
        return new TrainOptions(iters, plan.batch(), plan.lr(), 0.9, 1e-4, "sgd", (int) Math.min(100, iters / 5), 0.001,
                "multistep", 10.0, seed, 2, 4, 10, (int) Math.max(50, iters / 4), 2, evalEvery);
    }

    /** Run folders of one seed's experiment, by stage name. */
    static Map<String, Path> stages(Path seedDir) {
        Map<String, Path> m = new LinkedHashMap<>();
        for (String s : List.of("baseline", "warmup-agnostic", "finetune-agnostic", "warmup-aware", "finetune-aware")) {
            Path p = seedDir.resolve(s);
            if (TrainRun.isFinished(p)) {
                m.put(s, p);
            }
        }
        return m;
    }

    static List<Path> list(Path dir) {
        try (var s = Files.list(dir)) {
            return new ArrayList<>(s.sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
