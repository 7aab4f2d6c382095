package org.cassl.spark;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.cassl.training.UserInputException;
import org.cassl.training.data.Augmentation;
import org.cassl.training.api.IterationProgress;
import org.cassl.training.api.JobListener;
import org.cassl.training.api.JobResult;
import org.cassl.training.api.TrainingJob;

/**
 * {@code cassl train} as {@code replicas} data-parallel replicas in one Spark barrier stage
 * ({@link DataParallel}): each replica builds the same {@link TrainingJob} (same config, data,
 * seed, options) with the global batch {@code replicas x batch}, trains on its slice of every
 * global batch, and averages gradients over the TCP ring after each backward pass. Rank 0 writes
 * the run folder ({@code train.json}, checkpoints, {@code model.safetensors}, {@code eval.json});
 * replicas always start in resume mode, so a stage Spark retries after a failure continues from
 * rank 0's last checkpoint. The data and the run folder must be paths every executor sees (one
 * machine, or a shared mount).
 */
public final class SparkTrain {
    private SparkTrain() {
    }

    /**
     * The options of {@code cassl train} (paths as strings), plus the replica count.
     *
     * @param augment          augmentation by name ({@link Augmentation#named})
     * @param batch            images per replica per step (the global batch is {@code replicas * batch})
     * @param iters            optimiser steps, or null for {@code epochs}
     * @param epochs           passes over the data (when {@code iters} is null), or null for the default
     * @param retries          how often the driver starts the barrier stage again after a failure (Spark itself
     *                         does not retry a failed barrier result stage); each retry resumes from rank 0's
     *                         newest checkpoint
     * @param failAtIteration  tests: replica {@code replicas - 1} fails once, in the stage's first attempt, after
     *                         this iteration (-1: never)
     * @param device           executor device: "cpu", "cuda:N", or "auto" (the GPU Spark assigned to the task, else the CPU)
     * @param failByHalt       tests: that failure ends the replica's executor JVM at once (Runtime.halt) instead of
     *                         throwing (executor loss; only where executors are separate JVMs, local-cluster or a cluster)
     */
    public record Spec(String config, String ann, String images, String out, String valAnn, String valImages, String init,
                       boolean reinitClassLogits, String backboneWeights, boolean classAgnostic, Long iters, Integer epochs,
                       int batch, double lr, String optimizer, String schedule, int warmup, double weightDecay, double emaDecay,
                       long seed,
                       int workers, int evalEvery, int checkpointEvery, String augment, boolean resume, int replicas,
                       int retries, String device, int failAtIteration, boolean failByHalt) implements Serializable {
        public Spec {
            if (replicas < 1) {
                throw new UserInputException("--replicas must be at least 1, got " + replicas);
            }
            try {
                Augmentation.named(augment);
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--augment: " + e.getMessage());
            }
            if (batch < 1) {
                throw new UserInputException("--batch must be at least 1, got " + batch);
            }
        }

        /** The job one replica runs. */
        TrainingJob.Builder job(int rank, org.cassl.training.trainer.GradientSync sync) {
            TrainingJob.Builder b = TrainingJob.builder(Path.of(config), Path.of(ann), Path.of(images), Path.of(out))
                    .batchSize(batch * replicas).learningRate(lr).optimizer(optimizer).schedule(schedule)
                    .warmupIterations(warmup).weightDecay(weightDecay).emaDecay(emaDecay).seed(seed).workers(workers).evalEvery(evalEvery)
                    .checkpointEvery(checkpointEvery).classAgnostic(classAgnostic).augmentation(Augmentation.named(augment)).resume(true)
                    .replica(rank, replicas, sync).device(ExecutorDevice.current(device));
            if (iters != null) {
                b.iterations(iters);
            } else if (epochs != null) {
                b.epochs(epochs);
            }
            if (valAnn != null) {
                b.validation(Path.of(valAnn), Path.of(valImages));
            }
            if (init != null) {
                b.init(Path.of(init), reinitClassLogits);
            }
            if (backboneWeights != null) {
                b.backboneWeights(Path.of(backboneWeights));
            }
            return b;
        }
    }

    /**
     * What a run produced.
     *
     * @param message rank 0's one-line outcome
     * @param weights the final weights (rank 0's run folder)
     * @param seconds wall time of the barrier stage(s), retries included
     * @param allReduceSeconds rank 0's time in the ring all-reduce
     * @param bytesSent        bytes rank 0 sent over the ring
     * @param steps            steps timed on rank 0 in the last attempt (the first left out when there are more)
     * @param stepSeconds      their mean wall time
     * @param stepAllReduceSeconds their mean time in the all-reduce
     * @param stepBytes        bytes rank 0 sent per step
     */
    public record Result(String message, String weights, double seconds, double allReduceSeconds, long bytesSent, long steps,
                         double stepSeconds, double stepAllReduceSeconds, long stepBytes) {
        /** Step time and all-reduce share, one line. */
        public String stepLine() {
            return StepTimer.describe(steps, stepSeconds, stepAllReduceSeconds, stepBytes);
        }
    }

    /** Trains; bad options end in a {@link UserInputException} before Spark starts any task. */
    public static Result run(JavaSparkContext sc, Spec spec) {
        if ((spec.valAnn() == null) != (spec.valImages() == null)) {
            throw new UserInputException("--val-ann and --val-images go together");
        }
        if (spec.reinitClassLogits() && spec.init() == null) {
            throw new UserInputException("--reinit-class-logits needs --init");
        }
        if (spec.backboneWeights() != null && spec.init() != null) {
            throw new UserInputException("--backbone-weights and --init exclude each other (--init weights hold the backbone)");
        }
        if (!spec.resume() && TrainingJob.holdsRun(Path.of(spec.out()))) {
            throw new UserInputException(spec.out() + " already holds a run; use --resume to continue it, or another --out");
        }
        int images = ImagesCount.of(spec.ann());
        if (images < spec.batch() * spec.replicas()) {
            throw new UserInputException(spec.ann() + " has " + images + " images, fewer than the global batch "
                    + spec.replicas() + " x " + spec.batch());
        }
        long t0 = System.nanoTime();
        List<String> lines = DataParallel.runWithRetries(sc, spec.replicas(), spec.retries(), "cassl spark train (" + spec.out()
                + ")", attempt -> stage(spec, attempt));
        double secs = (System.nanoTime() - t0) / 1e9;
        String[] f = lines.get(0).split("\t");
        return new Result(f[0], Path.of(spec.out()).resolve("model.safetensors").toString(), secs, Double.parseDouble(f[1]),
                Long.parseLong(f[2]), Long.parseLong(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]), Long.parseLong(f[6]));
    }

    /** One barrier stage of all replicas; rank-ordered result lines. */
    private static DataParallel.Replica stage(Spec spec, int attempt) {
        return (rank, world, sync, ring) -> {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            boolean firstAttempt = attempt == 0 && ctx.stageAttemptNumber() == 0 && ctx.attemptNumber() == 0;
            TrainingJob.Builder b = spec.job(rank, sync);
            StepTimer timer = new StepTimer(ring);
            b.listener(new JobListener() {
                @Override
                public void onIteration(IterationProgress p) {
                    timer.step(p.secondsPerIteration());
                }
            });
            if (spec.failAtIteration() >= 0 && firstAttempt && rank == world - 1) {
                b.listener(new JobListener() {
                    @Override
                    public void onIteration(IterationProgress p) {
                        DataParallel.failAfter(p.iteration(), spec.failAtIteration(), spec.failByHalt(), rank);
                    }
                });
            }
            JobResult r = b.build().run();
            return r.message().replace('\n', ' ').replace('\t', ' ') + "\t" + ring.seconds() + "\t" + ring.bytesSent() + "\t"
                    + timer.fields();
        };
    }

    /** The image count of a COCO file (the driver's check that every replica gets a non-empty slice). */
    static final class ImagesCount {
        private ImagesCount() {
        }

        static int of(String ann) {
            Path p = Path.of(ann);
            if (!java.nio.file.Files.isRegularFile(p)) {
                throw new UserInputException("annotation file not found: " + ann);
            }
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().readTree(p.toFile()).path("images").size();
            } catch (java.io.IOException e) {
                throw new UserInputException("cannot read " + ann + ": " + e.getMessage());
            }
        }
    }
}
