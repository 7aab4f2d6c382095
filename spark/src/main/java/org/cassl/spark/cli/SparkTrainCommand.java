package org.cassl.spark.cli;

import java.util.concurrent.Callable;
import org.cassl.spark.SparkRunner;
import org.cassl.spark.SparkTrain;
import org.cassl.training.UserInputException;
import org.cassl.training.api.Defaults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cassl spark train}: {@code cassl train} as data-parallel replicas in one Spark barrier stage. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train FCOS data-parallel on Spark: N replicas in one barrier stage, each on its slice of every global",
            "batch (N x --batch images), gradients averaged over a TCP ring after each backward pass. Rank 0 writes the",
            "run folder (the same files as `cassl train`); a stage Spark retries resumes from its last checkpoint.",
            "--ann, --images and --out must be paths every executor sees (one machine, or a shared mount)."})
final class SparkTrainCommand implements Callable<Integer> {
    @Mixin
    TrainOptions t;

    @Option(names = "--batch", description = "Images per replica per step; the global batch is replicas x batch (default: ${DEFAULT-VALUE}).")
    int batch = Defaults.BATCH;

    @Mixin
    SparkCommand.ReplicaOptions replicaOptions;

    @Mixin
    SparkCommand.ExecutorDeviceOption device;

    @Mixin
    SparkCommand.SparkOptions spark;

    @Override
    public Integer call() {
        if (!SparkRunner.sparkPresent()) {
            throw new UserInputException(SparkRunner.HOW_TO_GET_SPARK);
        }
        SparkTrain.Spec spec = new SparkTrain.Spec(TrainOptions.s(t.config), TrainOptions.s(t.ann), TrainOptions.s(t.images),
                TrainOptions.s(t.out), TrainOptions.s(t.valAnn), TrainOptions.s(t.valImages), TrainOptions.s(t.init),
                t.reinitClassLogits, TrainOptions.s(t.backboneWeights), t.classAgnostic, t.iters(), t.epochs(), batch, t.lr,
                t.optimizer, t.schedule, t.warmup, t.weightDecay, t.emaDecay, t.seed, t.workers, t.evalEvery, t.checkpointEvery,
                t.augmentationName(), t.resume, replicaOptions.replicas, replicaOptions.retries, device.device, -1, false);
        System.out.println(SparkRunner.train(spark.master, spark.conf, spec));
        return 0;
    }
}
