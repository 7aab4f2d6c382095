package org.cassl.app.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cassl.training.UserInputException;
import org.cassl.training.api.CaSslJob;
import org.cassl.training.api.Defaults;
import org.cassl.training.api.JobListener;
import org.cassl.training.api.JobResult;
import org.cassl.training.pipeline.ResultsTable;
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

    @Option(names = "--warmup", paramLabel = "MODE",
            description = "class-agnostic (CA-SSL), class-aware (ablation) or both (default: ${DEFAULT-VALUE}).")
    String warmup = "class-agnostic";

    @Option(names = "--tau", description = "Pseudo-label score threshold (default: ${DEFAULT-VALUE}).")
    double tau = Defaults.TAU;

    @Option(names = "--iters", description = "Iterations of each stage (default: ${DEFAULT-VALUE}).")
    long iters = Defaults.CA_SSL_ITERS;

    @Option(names = "--warmup-iters", paramLabel = "N", description = "Iterations of the warmup (default: --iters).")
    Long warmupIters;

    @Option(names = "--batch", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch = Defaults.BATCH;

    @Option(names = "--lr", description = "Base learning rate (default: ${DEFAULT-VALUE}).")
    double lr = Defaults.LR;

    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed = Defaults.SEED;

    @Option(names = "--workers", description = "Data-loading threads (default: ${DEFAULT-VALUE}).")
    int workers = Defaults.WORKERS;

    @Option(names = "--backbone-weights", paramLabel = "FILE",
            description = {"torchvision ImageNet checkpoint of the config's backbone (.pth or safetensors; fc.* ignored)",
                "for the baseline and the warmup backbones; FrozenBatchNorm and 3 trainable layers unless the config",
                "sets frozen_bn / trainable_backbone_layers."})
    Path backboneWeights;

    @Option(names = "--teacher-iters", paramLabel = "N", description = "Iterations of the teacher/baseline (default: --iters).")
    Long teacherIters;

    @Option(names = "--controls", description = "Also train the compute-matched controls: labeled-only for warmup + fine-tune "
            + "iterations, and a class-agnostic warmup on the labeled set then the fine-tune; prints the gain over the better.")
    boolean controls;

    @Option(names = "--schedule", paramLabel = "NAME", description = "Learning-rate schedule of every stage: multistep, "
            + "cosine or constant, after a linear warmup (default: ${DEFAULT-VALUE}).")
    String schedule = Defaults.SCHEDULE;

    @Option(names = "--test", paramLabel = "T.json", description = "Test annotations: every model is reported on them "
            + "(validation then only serves curves and choices).")
    Path test;

    @Option(names = "--test-images", paramLabel = "DIR", description = "Test image folder (with --test).")
    Path testImages;

    @Option(names = "--optimizer", description = "Optimiser of every stage: sgd or adamw (default: ${DEFAULT-VALUE}).")
    String optimizer = Defaults.OPTIMIZER;

    @Option(names = "--weight-decay", description = "Weight decay of every stage (default: ${DEFAULT-VALUE}).")
    double weightDecay = Defaults.WEIGHT_DECAY;

    @Option(names = "--ema-decay", paramLabel = "D", description = "Weight EMA of every stage (0: off; e.g. 0.99): "
            + "evaluations, the teacher and the final models are the averaged weights (default: ${DEFAULT-VALUE}).")
    double emaDecay = Defaults.EMA_DECAY;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() {
        String device = compute.apply();
        boolean agnostic;
        boolean aware;
        switch (warmup.toLowerCase(Locale.ROOT)) {
            case "class-agnostic" -> { agnostic = true; aware = false; }
            case "class-aware" -> { agnostic = false; aware = true; }
            case "both" -> { agnostic = true; aware = true; }
            default -> throw new UserInputException("--warmup must be class-agnostic, class-aware or both, got " + warmup);
        }
        CaSslJob.Builder b = CaSslJob.builder(config, labeled, labeledImages, unlabeled, val, valImages, out)
                .iterations(iters).batchSize(batch).learningRate(lr).seed(seed).workers(workers).tau(tau)
                .warmups(agnostic, aware).device(device).listener(new ConsoleListener()).listener(JobListener.progressBar());
        if (warmupIters != null) {
            b.warmupIterations(warmupIters);
        }
        if (backboneWeights != null) {
            b.backboneWeights(backboneWeights);
        }
        if (teacherIters != null) {
            b.teacherIterations(teacherIters);
        }
        if ((test == null) != (testImages == null)) {
            throw new UserInputException("--test and --test-images go together");
        }
        if (test != null) {
            b.test(test, testImages);
        }
        try {
            b.schedule(schedule).controls(controls);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--schedule: " + e.getMessage());
        }
        try {
            b.optimizer(optimizer, weightDecay).emaDecay(emaDecay);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        JobResult r = b.build().run();
        System.out.print(ResultsTable.format(r.metrics()));
        Double gain = CaSslJob.gain(r.metrics());
        if (gain != null) {
            System.out.printf(Locale.ROOT, "gain over the better compute-matched control: %+.1f AP points%s%n", 100 * gain,
                    gain > 0 ? "" : " (no gain)");
        }
        return 0;
    }
}
