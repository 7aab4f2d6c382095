package org.cassl.training.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import org.cassl.detection.FcosConfig;
import org.cassl.training.UserInputException;
import org.cassl.training.detection.Augmentation;
import org.cassl.training.pipeline.CaSslConfig;
import org.cassl.training.pipeline.CaSslPipeline;
import org.cassl.training.pipeline.PseudoLabelOptions;
import org.cassl.training.pipeline.ResultsTable;
import org.cassl.training.pipeline.UnlabeledImages;
import org.cassl.training.pipeline.WarmupMode;
import org.cassl.training.trainer.ProgressBarListener;
import org.cassl.training.trainer.TrainOptions;
import org.cassl.training.trainer.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cassl ca-ssl}: the three CA-SSL stages plus the baseline, resumable. */
@Command(name = "ca-ssl", mixinStandardHelpOptions = true,
        description = {"Run CA-SSL: stage 1 teacher (= baseline) on the labeled set, pseudo-labels on the unlabeled images,",
            "stage 2 class-agnostic warmup on them, stage 3 fine-tune on the labeled set; prints AP/AP50/AP75/APs/APm/APl",
            "per model and writes results.json. Rerun the same command to resume an interrupted experiment."})
final class CaSslCommand implements Callable<Integer> {
    @Option(names = "--labeled", required = true, paramLabel = "A.json", description = "Labeled annotations.")
    Path labeled;

    @Option(names = "--labeled-images", required = true, paramLabel = "DIR", description = "Labeled image folder.")
    Path labeledImages;

    @Option(names = "--unlabeled", required = true, paramLabel = "DIR|LIST",
            description = "Unlabeled image folder, or a text file listing images.")
    Path unlabeled;

    @Option(names = "--val", required = true, paramLabel = "V.json", description = "Validation annotations.")
    Path val;

    @Option(names = "--val-images", required = true, paramLabel = "DIR", description = "Validation image folder.")
    Path valImages;

    @Option(names = "--config", required = true, paramLabel = "C.json", description = "Model config (labeled classes).")
    Path config;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Experiment folder.")
    Path out;

    @Option(names = "--warmup", defaultValue = CliDefaults.CA_SSL_WARMUP, paramLabel = "MODE",
            description = "class-agnostic (CA-SSL), class-aware (ablation) or both (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--tau", defaultValue = CliDefaults.TAU, description = "Pseudo-label score threshold (default: ${DEFAULT-VALUE}).")
    double tau;

    @Option(names = "--iters", defaultValue = CliDefaults.CA_SSL_ITERS, description = "Iterations of each stage (default: ${DEFAULT-VALUE}).")
    long iters;

    @Option(names = "--warmup-iters", paramLabel = "N", description = "Iterations of the warmup (default: --iters).")
    Long warmupIters;

    @Option(names = "--batch", defaultValue = CliDefaults.BATCH, description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = CliDefaults.LR, description = "Base learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", defaultValue = CliDefaults.SEED, description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--workers", defaultValue = CliDefaults.WORKERS, description = "Data-loading threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() {
        compute.apply();
        FcosConfig model = ModelFiles.config(config);
        List<WarmupMode> modes = new ArrayList<>();
        if (warmup.equalsIgnoreCase("both")) {
            modes.add(WarmupMode.CLASS_AGNOSTIC);
            modes.add(WarmupMode.CLASS_AWARE);
        } else {
            try {
                modes.add(WarmupMode.parse(warmup));
            } catch (IllegalArgumentException e) {
                throw new UserInputException(e.getMessage());
            }
        }
        PseudoLabelOptions pl;
        try {
            pl = PseudoLabelOptions.defaults().withTau(tau);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        UnlabeledImages u = java.nio.file.Files.isDirectory(unlabeled) ? UnlabeledImages.folder(unlabeled)
                : UnlabeledImages.list(unlabeled);
        TrainOptions stage = CliDefaults.caSslStageOptions(iters, batch, lr, seed, workers);
        TrainOptions warm = warmupIters == null ? stage : CliDefaults.caSslStageOptions(warmupIters, batch, lr, seed, workers);
        CaSslConfig cfg = new CaSslConfig(model, labeled, labeledImages, u, val, valImages, out, stage, warm, stage, pl, modes,
                Augmentation.standard());
        Map<String, Map<String, Double>> results = new CaSslPipeline(cfg, cliListener(), null).run();
        ResultsTable.write(out.resolve("results.json"), results);
        System.out.print(ResultsTable.format(results));
        return 0;
    }

    /** Stage headings and progress bars on stderr. */
    static CaSslPipeline.Listener cliListener() {
        return new CaSslPipeline.Listener() {
            @Override
            public void onStage(String name, String description) {
                System.err.println("== " + description);
            }

            @Override
            public TrainingListener trainingListener(String stage) {
                return new ProgressBarListener();
            }

            @Override
            public IntConsumer pseudoLabelProgress(int total) {
                return ProgressBarListener.images("pseudo-label", total, System.err);
            }
        };
    }
}
