package org.cassl.app.demo;

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
import org.cassl.training.api.CaSslJob;
import org.cassl.training.api.JobListener;
import org.cassl.training.api.JobResult;
import org.cassl.training.pipeline.ResultsTable;
import org.cassl.training.pipeline.TrainRun;
import org.cassl.training.pipeline.WarmupMode;
import org.cassl.app.shapes.DatasetSummary;
import org.cassl.app.shapes.GenerateShapes;

/**
 * The demo end to end: the shapes dataset, the CA-SSL experiment for every seed, the averaged
 * comparison, plots, drawn detections and {@code report.html}. Every step is resumable: rerunning
 * the demo on the same folder continues where it stopped.
 */
public final class DemoRunner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DemoPlan plan;
    private final Path out;
    private final List<JobListener> listeners;

    private final String device;

    public DemoRunner(DemoPlan plan, Path out, String device, List<JobListener> listeners) {
        this.device = device;
        this.plan = plan;
        this.out = out;
        this.listeners = List.copyOf(listeners);
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
            stage("seed-" + seed, "CA-SSL experiment, seed " + seed);
            try (CaSslJob job = experiment(seed, plan.warmupsForSeed(i))) {
                JobResult r = job.run();
                if (!r.completed()) {
                    throw new IllegalStateException("the CA-SSL experiment of seed " + seed + " stopped: " + r.message());
                }
                perSeed.put(seed, r.metrics());
            }
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
            stage("data", "regenerating the shapes dataset (the plan changed)");
        } else {
            stage("data", "generating the shapes dataset");
        }
        DatasetSummary s = GenerateShapes.run(new GenerateShapes.Options(data, plan.labeled(), plan.unlabeled(), plan.val(),
                plan.dataSeed(), plan.imageSize(), true, 0));
        System.err.print(s.toText());
    }

    private void stage(String name, String description) {
        listeners.forEach(l -> l.onStage(name, description));
    }

    /** One seed's experiment: the plan's schedule, evaluated {@code evalPoints} times per stage for the curves. */
    CaSslJob experiment(long seed, List<WarmupMode> warmups) {
        Path data = dataDir();
        int evalEvery = (int) Math.max(1, plan.stageIters() / Math.max(1, plan.evalPoints()));
        CaSslJob.Builder b = CaSslJob.builder(plan.configFile(out), data.resolve("labeled.json"), data.resolve("labeled"),
                        data.resolve("unlabeled"), data.resolve("val.json"), data.resolve("val"), out.resolve("seed-" + seed))
                .iterations(plan.stageIters()).warmupIterations(plan.warmupIters()).batchSize(plan.batch())
                .learningRate(plan.lr()).seed(seed).tau(plan.tau()).evalEvery(evalEvery).learningRateWarmup(100)
                .checkpointEvery((int) Math.max(50, plan.stageIters() / 4))
                .warmups(warmups.contains(WarmupMode.CLASS_AGNOSTIC), warmups.contains(WarmupMode.CLASS_AWARE));
        listeners.forEach(b::listener);
        return b.device(device).build();
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
