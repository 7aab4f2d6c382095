package org.cassl.training.pipeline;

import org.cassl.tensor.Device;
import org.cassl.training.model.BackboneWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoReader;
import org.cassl.detection.fcos.Fcos;
import org.cassl.nn.Weights;
import org.cassl.training.UserInputException;
import org.cassl.training.data.DatasetRoot;
import org.cassl.training.data.LabelMode;
import org.cassl.training.eval.DetectionEvaluator;
import org.cassl.training.trainer.CancellationToken;
import org.cassl.training.trainer.TrainOutcome;
import org.cassl.training.trainer.TrainingListener;

/**
 * Runs the CA-SSL stages in order, each resumable: a stage whose run folder is finished is not
 * retrained, an interrupted one continues from its checkpoint, and pseudo-labelling continues from
 * its partial file. Results of every model go to {@code results.json}.
 *
 * <p>Folders: {@code baseline/} (stage 1, also the teacher), the controls {@code baseline-long/}
 * and {@code warmup-labeled/} + {@code finetune-labeled/} when configured, {@code pseudo_labels.json},
 * {@code warmup-<mode>/}, {@code finetune-<mode>/}; with a test split each final model's
 * {@code test_eval.json}.
 */
public final class CaSslPipeline {
    /** Observer of stage transitions (the CLI prints them; the demo collects curves). */
    public interface Listener {
        default void onStage(String name, String description) {
        }

        /** A listener for the training progress of one stage. */
        default TrainingListener trainingListener(String stage) {
            return new TrainingListener() {
            };
        }

        /** Progress of pseudo-labelling (images done). */
        default IntConsumer pseudoLabelProgress(int total) {
            return i -> { };
        }
    }

    private final CaSslConfig cfg;
    private final Listener listener;
    private final CancellationToken cancellation;
    private Device device = Device.CPU;
    private StageRunner stages = StageRunner.LOCAL;

    public CaSslPipeline(CaSslConfig cfg, Listener listener, CancellationToken cancellation) {
        this.cfg = cfg;
        this.listener = listener == null ? new Listener() { } : listener;
        this.cancellation = cancellation == null ? new CancellationToken() : cancellation;
    }

    /**
     * How stages train and the teacher labels (default {@link StageRunner#LOCAL}: in this JVM); returns this.
     */
    public CaSslPipeline stages(StageRunner runner) {
        this.stages = java.util.Objects.requireNonNull(runner, "runner");
        return this;
    }

    /** Where every stage trains and the teacher labels (default: the CPU); returns this. */
    public CaSslPipeline device(Device device) {
        this.device = device;
        return this;
    }

    /** The folder of a stage's run. */
    public Path stageDir(String stage) {
        return cfg.out().resolve(stage);
    }

    /**
     * Runs everything; returns the final metrics per model, on the test split when the config has
     * one (else on validation): keys {@code baseline}, then the controls {@code baseline_long} and
     * {@code labeled_warmup} when configured, then {@code ca_ssl} and {@code class_aware} per warmup.
     * Missing keys mean the run was cancelled (resumable). {@link #valResults()} holds the
     * validation metrics of the same models.
     */
    public Map<String, Map<String, Double>> run() {
        // the inputs first: a bad annotation file leaves no experiment folder behind
        CocoDataset labeled = read(cfg.labeledAnn());
        CocoDataset val = read(cfg.valAnn());
        test = cfg.testAnn() == null ? null : read(cfg.testAnn());
        try {
            Files.createDirectories(cfg.out());
        } catch (IOException e) {
            throw new UserInputException("cannot create " + cfg.out() + ": " + e.getMessage(), e);
        }
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();
        valResults.clear();

        Path baseline;
        if (cfg.teacherRun() != null) {
            baseline = cfg.teacherRun();
            if (!TrainRun.isFinished(baseline)) {
                throw new UserInputException("teacher run " + baseline + " is not a finished training run");
            }
            record(results, "baseline", baseline, TrainRun.readEval(baseline));
        } else {
            listener.onStage("baseline", "stage 1: teacher / baseline on the labeled set");
            baseline = stageDir("baseline");
            TrainOutcome t = train(new TrainSpec("baseline", cfg.model(), labeled, cfg.labeledImages(), LabelMode.CATEGORY_ID,
                    cfg.augmentation(), val, cfg.valImages(), null, false, cfg.teacher(), baseline, cfg.backbone()));
            if (t.status() != TrainOutcome.Status.COMPLETED) {
                return results;
            }
            record(results, "baseline", baseline, t.finalMetrics());
        }

        if (cfg.baselineLong() != null && !cancellation.isCancelled()) {
            if (cfg.baselineLong().equals(cfg.teacher())) {
                results.put(BASELINE_LONG, results.get("baseline"));
                valResults.put(BASELINE_LONG, valResults.get("baseline"));
            } else {
                listener.onStage("baseline-long", "control (b): the labeled-only model trained as long as warmup + fine-tune");
                Path dir = stageDir("baseline-long");
                TrainOutcome t = train(new TrainSpec("baseline-long", cfg.model(), labeled, cfg.labeledImages(),
                        LabelMode.CATEGORY_ID, cfg.augmentation(), val, cfg.valImages(), null, false, cfg.baselineLong(), dir,
                        cfg.backbone()));
                if (t.status() != TrainOutcome.Status.COMPLETED) {
                    return results;
                }
                record(results, BASELINE_LONG, dir, t.finalMetrics());
            }
        }

        if (cfg.labeledWarmup() && !cancellation.isCancelled()) {
            listener.onStage("warmup-labeled", "control (c): class-agnostic warmup on the labeled ground truth");
            Path warmDir = stageDir("warmup-labeled");
            TrainOutcome w = train(new TrainSpec("warmup-labeled", cfg.model().withNumClasses(2), labeled, cfg.labeledImages(),
                    LabelMode.CLASS_AGNOSTIC, cfg.augmentation(), null, null, baselineInit(), true, cfg.warmup(), warmDir));
            if (w.status() != TrainOutcome.Status.COMPLETED) {
                return results;
            }
            if (!fineTune("labeled", "the labeled-data warmup", warmDir, LABELED_WARMUP, labeled, val, results)) {
                return results;
            }
        }
        if (cfg.warmups().isEmpty() || cancellation.isCancelled()) {
            return results;
        }

        Path pseudo = cfg.out().resolve("pseudo_labels.json");
        if (!Files.isRegularFile(pseudo)) {
            listener.onStage("pseudo-label", "pseudo-labels on " + cfg.unlabeled().fileNames().size()
                    + " unlabeled images (tau " + cfg.pseudo().tau() + ")");
            stages.pseudoLabel(new StageRunner.PseudoLabelStep(baseline, cfg.model(), cfg.pseudo(), cfg.unlabeled(), pseudo,
                    device), listener.pseudoLabelProgress(cfg.unlabeled().fileNames().size()));
        }
        checkPseudoLabelOptions(pseudo);
        CocoDataset pseudoData = read(pseudo);

        for (WarmupMode mode : cfg.warmups()) {
            if (cancellation.isCancelled()) {
                break;
            }
            String suffix = mode == WarmupMode.CLASS_AGNOSTIC ? "agnostic" : "aware";
            listener.onStage("warmup-" + suffix, "stage 2: " + mode.cliName() + " warmup on the pseudo-labels");
            FcosConfig warmCfg = mode == WarmupMode.CLASS_AGNOSTIC ? cfg.model().withNumClasses(2) : cfg.model();
            LabelMode labels = mode == WarmupMode.CLASS_AGNOSTIC ? LabelMode.CLASS_AGNOSTIC : LabelMode.TEACHER_CLASS;
            Path warmDir = stageDir("warmup-" + suffix);
            TrainOutcome w = train(new TrainSpec("warmup-" + suffix, warmCfg, pseudoData, cfg.unlabeled().root(), labels,
                    cfg.augmentation(), null, null, baselineInit(), mode == WarmupMode.CLASS_AGNOSTIC, cfg.warmup(), warmDir));
            if (w.status() != TrainOutcome.Status.COMPLETED) {
                return results;
            }
            if (!fineTune(suffix, "the " + mode.cliName() + " warmup", warmDir, mode.resultKey(), labeled, val, results)) {
                return results;
            }
        }
        return results;
    }

    /**
     * The initial weights of the baseline (the model config and seed of stage 1, before any
     * training), written once to {@code init.safetensors}: every warmup starts from them, with
     * fresh class logits when its class count differs, so that it has "the same init the baseline
     * starts from" (specs/ca-ssl.md). Drawing a 2-class model from the seed instead would give
     * every layer after the class logits other random weights.
     */
    private Path baselineInit() {
        Path f = cfg.out().resolve("init.safetensors");
        if (!Files.isRegularFile(f)) {
            Fcos m = new Fcos(cfg.model(), new org.cassl.tensor.Generator(cfg.teacher().seed()));
            if (cfg.backbone() != null) {
                BackboneWeights.load(m, cfg.backbone().file());
            }
            Path tmp = cfg.out().resolve("init.tmp.safetensors");
            Weights.save(m, tmp);
            try {
                Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + f + ": " + e.getMessage(), e);
            }
        }
        return f;
    }

    /** Key of control (b) in the results. */
    public static final String BASELINE_LONG = "baseline_long";
    /** Key of control (c) in the results. */
    public static final String LABELED_WARMUP = "labeled_warmup";

    private CocoDataset test;
    private final Map<String, Map<String, Double>> valResults = new LinkedHashMap<>();

    /** The validation metrics of the models of the last {@link #run()} (the split choices are made on). */
    public Map<String, Map<String, Double>> valResults() {
        return new LinkedHashMap<>(valResults);
    }

    /** Which split {@link #run()}'s metrics are on: "test" or "val". */
    public String reportedSplit() {
        return cfg.testAnn() == null ? "val" : "test";
    }

    private boolean fineTune(String suffix, String what, Path warmDir, String key, CocoDataset labeled, CocoDataset val,
                             Map<String, Map<String, Double>> results) {
        listener.onStage("finetune-" + suffix, "stage 3: fine-tune " + what
                + " on the labeled set (class logits re-initialised)");
        Path dir = stageDir("finetune-" + suffix);
        TrainOutcome f = train(new TrainSpec("finetune-" + suffix, cfg.model(), labeled, cfg.labeledImages(),
                LabelMode.CATEGORY_ID, cfg.augmentation(), val, cfg.valImages(), TrainRun.weightsOf(warmDir), true,
                cfg.finetune(), dir));
        if (f.status() != TrainOutcome.Status.COMPLETED) {
            return false;
        }
        record(results, key, dir, f.finalMetrics());
        return true;
    }

    /** Stores a finished model's validation metrics and its reported (test, else validation) metrics. */
    private void record(Map<String, Map<String, Double>> results, String key, Path runDir, Map<String, Double> valMetrics) {
        valResults.put(key, valMetrics);
        results.put(key, test == null ? valMetrics : testMetrics(runDir));
    }

    /** The run's final model on the test split, cached in {@code test_eval.json}. */
    private Map<String, Double> testMetrics(Path runDir) {
        Path cached = runDir.resolve(TEST_EVAL);
        if (Files.isRegularFile(cached)) {
            return TrainRun.readEval(runDir, TEST_EVAL);
        }
        FcosConfig c = FcosConfig.load(runDir.resolve("config.json"));
        Fcos model = Fcos.forLoading(c);
        Weights.loadInto(model, TrainRun.weightsOf(runDir), true);
        Map<String, Double> m = new DetectionEvaluator(test, new DatasetRoot(cfg.testImages()), 8).evaluate(model, null)
                .metrics();
        TrainRun.writeJson(cached, m);
        return m;
    }

    /** File of a run folder holding its final model's metrics on the test split. */
    public static final String TEST_EVAL = "test_eval.json";

    private TrainOutcome train(TrainSpec spec) {
        return stages.train(spec, device, cancellation, listener.trainingListener(spec.stage()));
    }

    private static CocoDataset read(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new UserInputException("annotation file not found: " + p);
        }
        try {
            return CocoReader.read(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses to reuse pseudo-labels written with another threshold or NMS (a resumed experiment
     * whose tau changed would otherwise warm up on the old labels without a word).
     */
    private void checkPseudoLabelOptions(Path pseudo) {
        String want = "cassl pseudo-labels (tau " + cfg.pseudo().tau() + ", class-agnostic NMS " + cfg.pseudo().nmsThreshold()
                + ",";
        String have;
        try {
            have = new com.fasterxml.jackson.databind.ObjectMapper().readTree(pseudo.toFile()).path("info")
                    .path("description").asText("");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pseudo + ": " + e.getMessage(), e);
        }
        if (!have.startsWith(want)) {
            throw new UserInputException(pseudo + " was written with other pseudo-label options (\"" + have
                    + "\"); this experiment asks for tau " + cfg.pseudo().tau() + " and NMS " + cfg.pseudo().nmsThreshold()
                    + ": use another output folder");
        }
    }
}
