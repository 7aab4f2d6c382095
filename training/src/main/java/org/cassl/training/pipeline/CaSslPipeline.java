package org.cassl.training.pipeline;

import org.cassl.tensor.Device;
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
import org.cassl.training.data.LabelMode;
import org.cassl.training.trainer.CancellationToken;
import org.cassl.training.trainer.TrainOutcome;
import org.cassl.training.trainer.TrainingListener;

/**
 * Runs the CA-SSL stages in order, each resumable: a stage whose run folder is finished is not
 * retrained, an interrupted one continues from its checkpoint, and pseudo-labelling continues from
 * its partial file. Results of every model go to {@code results.json}.
 *
 * <p>Folders: {@code baseline/} (stage 1, also the teacher), {@code pseudo_labels.json},
 * {@code warmup-<mode>/}, {@code finetune-<mode>/}.
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

    public CaSslPipeline(CaSslConfig cfg, Listener listener, CancellationToken cancellation) {
        this.cfg = cfg;
        this.listener = listener == null ? new Listener() { } : listener;
        this.cancellation = cancellation == null ? new CancellationToken() : cancellation;
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

    /** Runs everything; returns the final metrics per model (keys baseline, ca_ssl, class_aware). */
    public Map<String, Map<String, Double>> run() {
        try {
            Files.createDirectories(cfg.out());
        } catch (IOException e) {
            throw new UserInputException("cannot create " + cfg.out() + ": " + e.getMessage(), e);
        }
        CocoDataset labeled = read(cfg.labeledAnn());
        CocoDataset val = read(cfg.valAnn());
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();

        listener.onStage("baseline", "stage 1: teacher / baseline on the labeled set");
        Path baseline = stageDir("baseline");
        TrainOutcome t = train(new TrainSpec("baseline", cfg.model(), labeled, cfg.labeledImages(), LabelMode.CATEGORY_ID,
                cfg.augmentation(), val, cfg.valImages(), null, false, cfg.teacher(), baseline, cfg.backbone()));
        if (t.status() != TrainOutcome.Status.COMPLETED) {
            return results;
        }
        results.put("baseline", t.finalMetrics());

        Path pseudo = cfg.out().resolve("pseudo_labels.json");
        if (!Files.isRegularFile(pseudo)) {
            listener.onStage("pseudo-label", "pseudo-labels on " + cfg.unlabeled().fileNames().size()
                    + " unlabeled images (tau " + cfg.pseudo().tau() + ")");
            FcosConfig teacherCfg = cfg.model().scoreThresh() > cfg.pseudo().tau()
                    ? cfg.model().withScoreThresh(cfg.pseudo().tau()) : cfg.model();
            Fcos teacher = Fcos.forLoading(teacherCfg);
            Weights.loadInto(teacher, TrainRun.weightsOf(baseline), true);
            teacher.to(device);
            new PseudoLabeler(teacher, cfg.pseudo(), TrainRun.weightsOf(baseline).toString())
                    .run(cfg.unlabeled(), pseudo, listener.pseudoLabelProgress(cfg.unlabeled().fileNames().size()));
        }
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
                    cfg.augmentation(), null, null, null, false, cfg.warmup(), warmDir, cfg.backbone()));
            if (w.status() != TrainOutcome.Status.COMPLETED) {
                return results;
            }
            listener.onStage("finetune-" + suffix, "stage 3: fine-tune the " + mode.cliName()
                    + " warmup on the labeled set (class logits re-initialised)");
            TrainOutcome f = train(new TrainSpec("finetune-" + suffix, cfg.model(), labeled, cfg.labeledImages(),
                    LabelMode.CATEGORY_ID, cfg.augmentation(), val, cfg.valImages(), TrainRun.weightsOf(warmDir), true,
                    cfg.finetune(), stageDir("finetune-" + suffix)));
            if (f.status() != TrainOutcome.Status.COMPLETED) {
                return results;
            }
            results.put(mode.resultKey(), f.finalMetrics());
        }
        return results;
    }

    private TrainOutcome train(TrainSpec spec) {
        TrainRun run = new TrainRun(spec).device(device).cancellation(cancellation).listener(listener.trainingListener(spec.stage()));
        return run.run(true);
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
}
