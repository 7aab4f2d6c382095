package org.cassl.spark.cli;

import java.util.concurrent.Callable;
import org.cassl.spark.SparkRunner;
import org.cassl.spark.SparkStages;
import org.cassl.training.UserInputException;
import org.cassl.training.api.Defaults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cassl spark ca-ssl}: {@code cassl ca-ssl} with every stage on Spark. */
@Command(name = "ca-ssl", mixinStandardHelpOptions = true,
        description = {"Run CA-SSL on Spark: the teacher, the warmup and the fine-tune each as N data-parallel replicas in a",
            "barrier stage (the global batch is N x --batch), the pseudo-labels as a distributed labelling job. The experiment",
            "folder gets the files `cassl ca-ssl` writes; rerun the same command to resume. Paths must be ones every executor",
            "sees (one machine, or a shared mount)."})
final class SparkCaSslCommand implements Callable<Integer> {
    @Mixin
    CaSslOptions ca;

    @Option(names = "--batch", description = "Images per replica per step; the global batch is replicas x batch (default: ${DEFAULT-VALUE}).")
    int batch = Defaults.BATCH;

    @Mixin
    SparkCommand.ReplicaOptions replicas;

    @Mixin
    SparkCommand.ExecutorDeviceOption device;

    @Mixin
    SparkCommand.SparkOptions spark;

    @Override
    public Integer call() {
        if (!SparkRunner.sparkPresent()) {
            throw new UserInputException(SparkRunner.HOW_TO_GET_SPARK);
        }
        SparkStages.Settings settings = new SparkStages.Settings(replicas.replicas, replicas.retries, device.device,
                spark.partitions, null);
        if (batch < 1) {
            throw new UserInputException("--batch must be at least 1, got " + batch);
        }
        System.out.print(SparkRunner.caSsl(spark.master, spark.conf, ca.builder(settings.replicas() * batch, true), settings));
        return 0;
    }
}
