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
import java.util.Locale;
import java.util.Map;
import org.cassl.training.api.CaSslJob;
import org.cassl.training.data.Augmentation;
import org.cassl.training.api.JobListener;
import org.cassl.training.api.JobResult;
import org.cassl.training.pipeline.ResultsTable;
import org.cassl.training.pipeline.TrainRun;
import org.cassl.training.pipeline.WarmupMode;
import org.cassl.app.shapes.DatasetSummary;
import org.cassl.app.shapes.GenerateShapes;
import org.cassl.app.shapes.ShapesGenerator;

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
        // a resumed demo's seconds are those of this run only: say so rather than pass them off as end to end
        boolean resumed = Files.isDirectory(out.resolve("seed-" + plan.seeds().get(0)));
        ensureData();
        Map<Long, Map<String, Map<String, Double>>> perSeed = new LinkedHashMap<>();
        Map<Long, Map<String, Map<String, Double>>> perSeedVal = new LinkedHashMap<>();
        for (int i = 0; i < plan.seeds().size(); i++) {
            long seed = plan.seeds().get(i);
            stage("seed-" + seed, "CA-SSL experiment with its controls, seed " + seed);
            Path dir = out.resolve("seed-" + seed);
            try (CaSslJob job = experiment(seed, plan.warmupsForSeed(i), dir, plan.tau(), null, null, true)) {
                JobResult r = job.run();
                if (!r.completed()) {
                    throw new IllegalStateException("the CA-SSL experiment of seed " + seed + " stopped: " + r.message());
                }
                perSeed.put(seed, r.metrics());
                perSeedVal.put(seed, valMetrics(dir));
            }
        }
        Map<String, Object> ablations = ablations();
        Map<String, Object> results = Aggregate.results(plan, perSeed, perSeedVal, ablations);
        results.put("seconds", (System.nanoTime() - t0) / 1e9);
        results.put("resumed", resumed);
        ResultsTable.write(out.resolve("results.json"), results);
        Report.write(plan, out, perSeed, results);
        return results;
    }

    /**
     * The tau and unlabeled-amount ablations on the first seed: CA-SSL (class-agnostic warmup and
     * fine-tune) again with the first seed's teacher, one pseudo-label threshold or pool size at a
     * time; validation AP (what tau is chosen on) and test AP of each. Empty without ablations.
     */
    private Map<String, Object> ablations() {
        Map<String, Object> a = new LinkedHashMap<>();
        if (plan.ablationTaus().isEmpty() && plan.ablationUnlabeled().isEmpty()) {
            return a;
        }
        long seed = plan.seeds().get(0);
        Path seedDir = out.resolve("seed-" + seed);
        Path teacher = seedDir.resolve("baseline");
        Map<String, Object> taus = new LinkedHashMap<>();
        for (double tau : plan.ablationTaus()) {
            Map<String, Object> row = new LinkedHashMap<>();
            Path dir = tau == plan.tau() ? seedDir : seedDir.resolve(String.format(Locale.ROOT, "ablation-tau-%.2f", tau));
            if (dir != seedDir) {
                stage("ablation-tau", "tau ablation: CA-SSL with pseudo-label threshold " + tau);
                runAblation(experiment(seed, List.of(WarmupMode.CLASS_AGNOSTIC), dir, tau, teacher, null, false));
            }
            row.put("val", valMetrics(dir).get(WarmupMode.CLASS_AGNOSTIC.resultKey()));
            row.put("test", testMetrics(dir).get(WarmupMode.CLASS_AGNOSTIC.resultKey()));
            taus.put(Double.toString(tau), row);
        }
        if (!taus.isEmpty()) {
            a.put("tau", taus);
            String best = null;
            double bestAp = -1;
            for (Map.Entry<String, Object> e : taus.entrySet()) {
                @SuppressWarnings("unchecked")
                Map<String, Double> v = (Map<String, Double>) ((Map<String, Object>) e.getValue()).get("val");
                if (v != null && v.get("AP") > bestAp) {
                    bestAp = v.get("AP");
                    best = e.getKey();
                }
            }
            a.put("tau_chosen_on_val", best == null ? null : Double.parseDouble(best));
        }
        Map<String, Object> amounts = new LinkedHashMap<>();
        for (int n : plan.ablationUnlabeled()) {
            Map<String, Object> row = new LinkedHashMap<>();
            Path dir = n >= plan.unlabeled() ? seedDir : seedDir.resolve("ablation-unlabeled-" + n);
            if (dir != seedDir) {
                stage("ablation-unlabeled", "unlabeled-amount ablation: CA-SSL with " + n + " unlabeled images");
                runAblation(experiment(seed, List.of(WarmupMode.CLASS_AGNOSTIC), dir, plan.tau(), teacher,
                        unlabeledList(n), false));
            }
            row.put("val", valMetrics(dir).get(WarmupMode.CLASS_AGNOSTIC.resultKey()));
            row.put("test", testMetrics(dir).get(WarmupMode.CLASS_AGNOSTIC.resultKey()));
            amounts.put(Integer.toString(n), row);
        }
        if (!amounts.isEmpty()) {
            a.put("unlabeled", amounts);
        }
        return a;
    }

    private static void runAblation(CaSslJob job) {
        try (job) {
            JobResult r = job.run();
            if (!r.completed()) {
                throw new IllegalStateException("an ablation stopped: " + r.message());
            }
        }
    }

    /** A list file of the first {@code n} unlabeled images (the smaller pools of the amount ablation). */
    private Path unlabeledList(int n) {
        Path f = dataDir().resolve("unlabeled-first-" + n + ".txt");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            sb.append("unlabeled/").append(org.cassl.app.shapes.ShapesGenerator.fileName(i)).append('\n');
        }
        try {
            org.cassl.training.io.AtomicFiles.writeString(f, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }

    /** The validation metrics of an experiment folder's models (its results.json "val"). */
    static Map<String, Map<String, Double>> valMetrics(Path experiment) {
        return section(experiment, "val");
    }

    /** The reported (test) metrics of an experiment folder's models. */
    static Map<String, Map<String, Double>> testMetrics(Path experiment) {
        return section(experiment, null);
    }

    private static Map<String, Map<String, Double>> section(Path experiment, String key) {
        Map<String, Map<String, Double>> m = new LinkedHashMap<>();
        try {
            JsonNode root = JSON.readTree(experiment.resolve("results.json").toFile());
            JsonNode n = key == null ? root : root.path(key);
            n.fields().forEachRemaining(e -> {
                if (e.getValue().isObject() && e.getValue().has("AP")) {
                    Map<String, Double> v = new LinkedHashMap<>();
                    e.getValue().fields().forEachRemaining(x -> v.put(x.getKey(), x.getValue().asDouble()));
                    m.put(e.getKey(), v);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    private void ensureData() {
        Path data = dataDir();
        Path cfg = data.resolve("shapes_config.json");
        GenerateShapes.Options options = new GenerateShapes.Options(data, plan.labeled(), plan.unlabeled(), plan.val(),
                plan.dataSeed(), plan.imageSize(), true, 0, plan.test(), plan.difficulty());
        if (Files.isRegularFile(cfg)) {
            if (sameData(cfg, options)) {
                return;
            }
            stage("data", "regenerating the shapes dataset (the plan changed)");
        } else {
            stage("data", "generating the shapes dataset");
        }
        DatasetSummary s = GenerateShapes.run(options);
        System.err.print(s.toText());
    }

    /** Whether the dataset's recorded config and counts are the ones the plan asks for. */
    private boolean sameData(Path cfg, GenerateShapes.Options options) {
        try {
            Map<String, Object> wanted = ShapesGenerator.record(GenerateShapes.config(options),
                    ShapesGenerator.counts(plan.labeled(), plan.unlabeled(), plan.val(), plan.test()));
            // through text, so that numbers compare as the file's reader types them
            return JSON.readTree(cfg.toFile()).equals(JSON.readTree(JSON.writeValueAsString(wanted)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stage(String name, String description) {
        listeners.forEach(l -> l.onStage(name, description));
    }

    /**
     * One experiment: the plan's schedule, evaluated {@code evalPoints} times per labeled stage for
     * the curves, reported on the test split; with {@code controls} the compute-matched controls,
     * with a {@code teacher} run folder that teacher reused, with an {@code unlabeledList} a smaller pool.
     */
    CaSslJob experiment(long seed, List<WarmupMode> warmups, Path dir, double tau, Path teacher, Path unlabeledList,
                        boolean controls) {
        Path data = dataDir();
        int evalEvery = (int) Math.max(1, plan.teacherIters() / Math.max(1, plan.evalPoints()));
        CaSslJob.Builder b = CaSslJob.builder(plan.configFile(out), data.resolve("labeled.json"), data.resolve("labeled"),
                        unlabeledList != null ? unlabeledList : data.resolve("unlabeled"), data.resolve("val.json"),
                        data.resolve("val"), dir)
                .teacherIterations(plan.teacherIters()).iterations(plan.finetuneIters())
                .warmupIterations(plan.warmupIters()).batchSize(plan.batch()).learningRate(plan.lr())
                .schedule(plan.schedule()).optimizer(plan.optimizer(), plan.weightDecay()).emaDecay(plan.emaDecay())
                .augmentation(Augmentation.named(plan.augmentation())).seed(seed).tau(tau).evalEvery(evalEvery).learningRateWarmup(plan.lrWarmup())
                .checkpointEvery((int) Math.max(50, plan.teacherIters() / 4))
                .test(data.resolve("test.json"), data.resolve("test"))
                .controls(controls, controls && plan.labeledWarmupControl())
                .warmups(warmups.contains(WarmupMode.CLASS_AGNOSTIC), warmups.contains(WarmupMode.CLASS_AWARE));
        if (teacher != null) {
            b.teacherRun(teacher);
        }
        listeners.forEach(b::listener);
        return b.device(device).build();
    }

    /** Run folders of one seed's experiment, by stage name. */
    static Map<String, Path> stages(Path seedDir) {
        Map<String, Path> m = new LinkedHashMap<>();
        for (String s : List.of("baseline", "baseline-long", "warmup-labeled", "finetune-labeled", "warmup-agnostic",
                "finetune-agnostic", "warmup-aware", "finetune-aware")) {
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
