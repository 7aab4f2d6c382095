package org.cassl.app.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.cassl.spark.cli.CaSslOptions;
import org.cassl.training.api.CaSslJob;
import org.cassl.training.api.Defaults;
import org.cassl.training.api.JobListener;
import org.cassl.training.api.JobResult;
import org.cassl.training.pipeline.ResultsTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;


/**
 * {@code cassl ca-ssl}: the three CA-SSL stages plus the baseline, resumable. Its options (but the
 * batch size and the device) are {@link CaSslOptions}, which {@code cassl spark ca-ssl} shares.
 */
@Command(name = "ca-ssl", mixinStandardHelpOptions = true,
        description = {"Run CA-SSL: stage 1 teacher (= baseline) on the labeled set, pseudo-labels on the unlabeled images,",
            "stage 2 class-agnostic warmup on them, stage 3 fine-tune on the labeled set; prints AP/AP50/AP75/APs/APm/APl",
            "per model and writes results.json. Rerun the same command to resume an interrupted experiment."})
final class CaSslCommand implements Callable<Integer> {
    @Mixin
    CaSslOptions ca;

    @Option(names = "--batch", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch = Defaults.BATCH;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() {
        String device = compute.apply();
        CaSslJob.Builder b = ca.builder(batch, false).device(device).listener(new ConsoleListener())
                .listener(JobListener.progressBar());
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
