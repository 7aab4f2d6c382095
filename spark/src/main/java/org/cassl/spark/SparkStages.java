package org.cassl.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.cassl.tensor.Device;
import org.cassl.training.UserInputException;
import org.cassl.training.compute.Devices;
import org.cassl.training.pipeline.StageRunner;
import org.cassl.training.pipeline.TrainRun;
import org.cassl.training.pipeline.TrainSpec;
import org.cassl.training.trainer.CancellationToken;
import org.cassl.training.trainer.IterationRecord;
import org.cassl.training.trainer.TrainOutcome;
import org.cassl.training.trainer.TrainingListener;

/**
 * The CA-SSL pipeline's {@link StageRunner} on Spark: every training stage is {@code replicas}
 * data-parallel replicas in one barrier stage ({@link DataParallel}; each replica runs the stage's
 * own {@link TrainRun} on its slice of every global batch, rank 0 writes the run folder), and the
 * pseudo-labelling is {@link SparkPseudoLabel} over the pipeline's unlabeled images. The stage's
 * batch size is the global batch. The experiment folder and the data must be paths every executor
 * sees (one machine, or a shared mount).
 */
public final class SparkStages implements StageRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Settings.
     *
     * @param replicas   data-parallel replicas per training stage
     * @param retries    barrier-stage restarts after a failure (each resumes from rank 0's newest checkpoint)
     * @param device     executor device: "cpu", "cuda:N" or "auto" (the GPU Spark assigned to the task)
     * @param partitions pseudo-labelling partitions (0: two per default-parallelism slot)
     * @param fault      tests: a replica failure to inject, or null
     */
    public record Settings(int replicas, int retries, String device, int partitions, Fault fault) implements Serializable {
        public Settings {
            if (replicas < 1) {
                throw new UserInputException("--replicas must be at least 1, got " + replicas);
            }
            if (retries < 0) {
                throw new UserInputException("--retries must be 0 or more, got " + retries);
            }
        }
    }

    /**
     * Tests: replica {@code replicas - 1} of stage {@code stage} fails after iteration {@code iteration}
     * in the first attempt only, by throwing or, with {@code halt}, by ending its executor JVM at once.
     */
    public record Fault(String stage, long iteration, boolean halt) implements Serializable {
    }

    /**
     * What one training stage measured on rank 0.
     *
     * @param stage            the stage name
     * @param iterations       iterations timed in the last attempt (the first is left out when there are more)
     * @param stepSeconds      mean wall time of those iterations
     * @param allReduceSeconds mean time per iteration in the ring all-reduce
     * @param bytesSent        bytes rank 0 sent per iteration
     * @param wallSeconds      the whole stage on the driver, retries included
     */
    public record StageStats(String stage, long iterations, double stepSeconds, double allReduceSeconds, long bytesSent,
                             double wallSeconds) {
        /** One line for the log. */
        public String describe(int replicas) {
            return String.format(Locale.ROOT, "%s: %d replica(s): %s; stage %.1f s", stage, replicas,
                    StepTimer.describe(iterations, stepSeconds, allReduceSeconds, bytesSent), wallSeconds);
        }
    }

    private final JavaSparkContext sc;
    private final Settings settings;
    private final List<StageStats> stats = new ArrayList<>();

    public SparkStages(JavaSparkContext sc, Settings settings) {
        this.sc = sc;
        this.settings = settings;
    }

    /** What the training stages measured so far, in order. */
    public List<StageStats> stats() {
        return List.copyOf(stats);
    }

    @Override
    public TrainOutcome train(TrainSpec spec, Device device, CancellationToken cancellation, TrainingListener listener) {
        int world = settings.replicas();
        if (spec.options().batchSize() < world) {
            throw new UserInputException(spec.stage() + ": the global batch " + spec.options().batchSize() + " is smaller than "
                    + world + " replicas");
        }
        if (spec.train().images().size() < spec.options().batchSize()) {
            throw new UserInputException(spec.stage() + ": " + spec.train().images().size() + " training images, fewer than the "
                    + "global batch " + spec.options().batchSize());
        }
        StageRecipe recipe = StageRecipe.of(spec);
        long t0 = System.nanoTime();
        listener.onStart(spec.stage(), 0, spec.options().iterations());
        sc.setJobDescription("cassl ca-ssl: " + spec.stage() + " on " + world + " replica(s)");
        List<String> lines = DataParallel.runWithRetries(sc, world, settings.retries(), "cassl spark ca-ssl " + spec.stage(),
                attempt -> replica(recipe, settings, attempt));
        String[] f = lines.get(0).split("\t", -1);
        TrainOutcome.Status status = TrainOutcome.Status.valueOf(f[0]);
        long iters = Long.parseLong(f[1]);
        stats.add(new StageStats(spec.stage(), Long.parseLong(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                Long.parseLong(f[6]), (System.nanoTime() - t0) / 1e9));
        Map<String, Double> metrics = status == TrainOutcome.Status.COMPLETED ? readEval(spec.out()) : Map.of();
        TrainOutcome outcome = new TrainOutcome(status, iters, null, metrics, f[2]);
        listener.onEnd(outcome);
        return outcome;
    }

    /**
     * The body of one barrier stage: each replica rebuilds the stage and runs it as replica
     * {@code rank} of {@code world}; rank 0's line carries the outcome and its timings.
     */
    private static DataParallel.Replica replica(StageRecipe recipe, Settings settings, int attempt) {
        return (rank, world, sync, ring) -> {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            boolean firstAttempt = attempt == 0 && ctx.stageAttemptNumber() == 0 && ctx.attemptNumber() == 0;
            Fault fault = settings.fault();
            StepTimer timer = new StepTimer(ring);
            TrainRun run = new TrainRun(recipe.spec()).replica(rank, world, sync).listener(new TrainingListener() {
                @Override
                public void onIteration(IterationRecord r) {
                    timer.step(r.secondsPerIteration());
                }
            })
                    .device(Devices.resolve(ExecutorDevice.current(settings.device())));
            if (fault != null && firstAttempt && rank == world - 1 && fault.stage().equals(recipe.stage())) {
                run.listener(new TrainingListener() {
                    @Override
                    public void onIteration(IterationRecord r) {
                        DataParallel.failAfter(r.iteration(), fault.iteration(), fault.halt(), rank);
                    }
                });
            }
            TrainOutcome o = run.run(true);
            return String.join("\t", o.status().name(), Long.toString(o.iterations()),
                    String.valueOf(o.message()).replace('\n', ' ').replace('\t', ' '), timer.fields());
        };
    }

    @Override
    public void pseudoLabel(PseudoLabelStep step, IntConsumer progress) {
        String out = step.out().toAbsolutePath().toString();
        SparkPseudoLabel.Spec spec = new SparkPseudoLabel.Spec(step.teacherRun().resolve("config.json").toString(),
                step.weights().toString(), step.images().root().toString(), out, step.options(), "skip", settings.partitions(),
                settings.device(), -1);
        sc.setJobDescription("cassl ca-ssl: pseudo-labels");
        SparkPseudoLabel.Result r = SparkPseudoLabel.run(sc, spec, step.images());
        progress.accept(step.images().fileNames().size());
        System.err.println(r.message(out) + String.format(Locale.ROOT, " in %.1f s", r.seconds()));
    }

    private static Map<String, Double> readEval(Path runDir) {
        Path f = runDir.resolve("eval.json");
        Map<String, Double> m = new LinkedHashMap<>();
        try {
            if (Files.isRegularFile(f)) {
                JSON.readTree(Files.readString(f)).fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
        return m;
    }
}
