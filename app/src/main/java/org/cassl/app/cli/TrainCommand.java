package org.cassl.app.cli;

import org.cassl.training.api.Defaults;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cassl.training.api.JobListener;
import org.cassl.training.api.JobResult;
import org.cassl.training.api.TrainingJob;
import org.cassl.spark.cli.TrainOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cassl train}: one training run on COCO-format data. Its options (but the batch size and
 * the device) are {@link TrainOptions}, which {@code cassl spark train} shares.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train FCOS on a COCO-format dataset. The run folder gets config.json, train.json, metrics.jsonl,",
            "checkpoints/ (resumable with --resume), and at the end model.safetensors and eval.json."})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    TrainOptions t;

    @Option(names = "--batch", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch = Defaults.BATCH;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() {
        String device = compute.apply();
        TrainingJob.Builder b = t.builder(batch).device(device).listener(JobListener.progressBar());
        JobResult r = b.build().run();
        System.err.println(r.message());
        if (r.metrics().containsKey("model")) {
            Map<String, Double> m = r.metrics().get("model");
            System.out.println(String.format(Locale.ROOT, "AP %.4f  AP50 %.4f  AP75 %.4f  (weights: %s)",
                    m.getOrDefault("AP", Double.NaN), m.getOrDefault("AP50", Double.NaN), m.getOrDefault("AP75", Double.NaN),
                    r.weights()));
        }
        return 0;
    }
}
