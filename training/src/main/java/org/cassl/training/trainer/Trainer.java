package org.cassl.training.trainer;

import org.cassl.tensor.MemoryScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.cassl.autograd.Variable;
import org.cassl.nn.Module;
import org.cassl.nn.Parameter;
import org.cassl.nn.optim.AdamW;
import org.cassl.nn.optim.GradClip;
import org.cassl.nn.optim.LrSchedule;
import org.cassl.nn.optim.LrScheduler;
import org.cassl.nn.optim.Optimizer;
import org.cassl.nn.optim.OptimizerState;
import org.cassl.nn.optim.ParamGroups;
import org.cassl.nn.optim.Sgd;
import org.cassl.tensor.Generator;
import org.cassl.training.checkpoint.Checkpoint;
import org.cassl.training.checkpoint.CheckpointStore;
import org.cassl.training.data.DataLoader;
import org.cassl.training.data.Dataset;
import org.cassl.training.data.LoaderPosition;

/**
 * The training loop: batches from a {@link DataLoader}, a {@link LossFunction}, backward, gradient
 * clipping, an optimiser step and a learning-rate schedule per iteration, with metrics, periodic
 * evaluation, atomic checkpoints and exact resume.
 *
 * <p>Exactness of resume: the data order and augmentation depend only on (seed, epoch, index), the
 * in-model randomness only on (seed, iteration), and a checkpoint holds weights, buffers, optimiser
 * state and schedule step; so on the CPU a run resumed from iteration k ends with the same weights
 * as an uninterrupted run.
 *
 * @param <B> the sample type
 */
public final class Trainer<B> {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String stage;
    private final Module model;
    private final Dataset<B> dataset;
    private final LossFunction<B> lossFunction;
    private final TrainOptions options;
    private final Path runDir;
    private final String fingerprint;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private Function<Module, Map<String, Double>> evaluator;
    private CancellationToken cancellation = new CancellationToken();
    private GradientSync gradientSync = GradientSync.NONE;
    private CheckpointStore resumeStore;

    /**
     * @param stage        a name for logs ("teacher", "warmup", ...)
     * @param fingerprint  identifies the configuration; resuming a run folder written with another
     *                     fingerprint is refused
     */
    public Trainer(String stage, Module model, Dataset<B> dataset, LossFunction<B> lossFunction, TrainOptions options,
                   Path runDir, String fingerprint) {
        this.stage = stage;
        this.model = model;
        this.dataset = dataset;
        this.lossFunction = lossFunction;
        this.options = options;
        this.runDir = runDir;
        this.fingerprint = fingerprint;
    }

    public Trainer<B> addListener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /** Evaluates the model (in eval mode) periodically and at the end: metric name to value. */
    public Trainer<B> evaluator(Function<Module, Map<String, Double>> e) {
        this.evaluator = e;
        return this;
    }

    /**
     * Data-parallel replica: gradients are averaged across replicas after backward; a replica that
     * does not write checkpoints resumes from those in {@code checkpointDir} (rank 0's run folder).
     */
    public Trainer<B> gradientSync(GradientSync sync, Path checkpointDir) {
        this.gradientSync = sync;
        this.resumeStore = checkpointDir == null ? null : new CheckpointStore(checkpointDir, options.keepCheckpoints());
        return this;
    }

    /**
     * Data-parallel sharding: {@link TrainOptions#batchSize} is the global batch; this replica
     * takes slice {@code rank} of {@code world} of each global batch (see {@link DataLoader#shard}).
     */
    public Trainer<B> shard(int rank, int world) {
        this.shardRank = rank;
        this.shardWorld = world;
        return this;
    }

    private int shardRank = 0;
    private WeightEma ema;
    /** Key prefix of the EMA weights among a checkpoint's optimizer tensors. */
    static final String EMA_PREFIX = "ema/";
    private int shardWorld = 1;

    public Trainer<B> cancellation(CancellationToken token) {
        this.cancellation = token;
        return this;
    }

    /** The optimiser of the recipe: SGD or AdamW, no decay on norms and biases. */
    Optimizer buildOptimizer() {
        var groups = ParamGroups.splitDecay(model, options.lr(), options.weightDecay(), 0.0);
        return options.optimizer().equals("adamw") ? new AdamW(groups, 0.9, 0.999, 1e-8, false)
                : new Sgd(groups, options.momentum(), 0, false);
    }

    /** Warmup times the decay schedule, stepped once per iteration. */
    LrSchedule buildSchedule() {
        int total = (int) Math.min(Integer.MAX_VALUE, options.iterations());
        LrSchedule decay;
        switch (options.schedule()) {
            case "cosine":
                decay = LrSchedule.cosine(total, 0);
                break;
            case "constant":
                decay = LrSchedule.constant();
                break;
            default:
                decay = LrSchedule.multiStep(new int[] {total * 2 / 3, total * 8 / 9}, 0.1);
        }
        return options.warmupIters() > 0 ? LrSchedule.linearWarmup(options.warmupFactor(), options.warmupIters()).times(decay)
                : decay;
    }

    /** Runs to completion (or cancellation); with {@code resume}, continues from the newest checkpoint. */
    public TrainOutcome run(boolean resume) {
        CheckpointStore store = new CheckpointStore(runDir, options.keepCheckpoints());
        Optimizer optimizer = buildOptimizer();
        LrScheduler scheduler = new LrScheduler(optimizer, buildSchedule());
        ema = options.emaDecay() > 0 ? new WeightEma(model, options.emaDecay()) : null;
        long start = 0;
        Path lastCheckpoint = null;
        Map<String, Double> lastMetrics = new LinkedHashMap<>();
        if (resume) {
            Optional<Checkpoint> ck = (resumeStore != null ? resumeStore : store).latest();
            if (ck.isPresent()) {
                restore(ck.get(), optimizer, scheduler);
                start = ck.get().iteration();
                lastCheckpoint = ck.get().dir();
                JsonNode m = ck.get().state().path("metrics");
                m.fields().forEachRemaining(e -> lastMetrics.put(e.getKey(), e.getValue().asDouble()));
            }
        }
        List<Parameter> params = model.trainableParameters();
        DataLoader<B> loader = new DataLoader<>(dataset, options.batchSize(), true, true, options.seed(), options.workers(),
                options.prefetch(), positionAfter(start)).shard(shardRank, shardWorld);
        try (MetricsLog log = new MetricsLog(runDir.resolve("metrics.jsonl"), stage, start)) {
            List<TrainingListener> all = new ArrayList<>(listeners);
            all.add(0, log);
            for (TrainingListener l : all) {
                l.onStart(stage, start, options.iterations());
            }
            model.train(true);
            Map<String, Double> window = new LinkedHashMap<>();
            int windowCount = 0;
            long windowStart = System.nanoTime();
            for (long it = start; it < options.iterations(); it++) {
                if (cancellation.isCancelled()) {
                    lastCheckpoint = save(store, it, optimizer, scheduler, loader, lastMetrics, all);
                    TrainOutcome o = new TrainOutcome(TrainOutcome.Status.CANCELLED, it, lastCheckpoint, lastMetrics,
                            stage + ": cancelled after " + it + " of " + options.iterations() + " iterations; resumable");
                    all.forEach(l -> l.onEnd(o));
                    return o;
                }
                long iterationStart = System.nanoTime();
                List<B> batch = loader.next();
                // one memory scope per step: the step's temporaries are released here on a device,
                // and on the CPU their arrays are reused by the next step (no garbage collection of
                // the activations); weights, buffers, gradients and optimizer state are kept
                double lr;
                double gradNorm;
                double totalValue;
                Map<String, Double> values = new LinkedHashMap<>();
                try (MemoryScope stepScope = MemoryScope.openRecycling(params.get(0).data().device())) {
                    optimizer.zeroGrad();
                    Map<String, Variable> losses = lossFunction.losses(batch, new Generator(mixSeed(options.seed(), it)));
                    Variable total = null;
                    for (Map.Entry<String, Variable> e : losses.entrySet()) {
                        values.put(e.getKey(), e.getValue().item());
                        total = total == null ? e.getValue() : total.add(e.getValue());
                    }
                    totalValue = total == null ? 0 : total.item();
                    if (!Double.isFinite(totalValue)) {
                        throw new TrainingFailedException(stage + ": iteration " + (it + 1) + ": the loss is " + totalValue + " "
                                + values + "; stopping" + (lastCheckpoint != null ? "; the last good checkpoint is "
                                + lastCheckpoint : " (no checkpoint written yet)"));
                    }
                    if (total != null && total.requiresGrad()) {
                        total.backward();
                    }
                    gradientSync.allReduce(params);
                    gradNorm = options.clipNorm() > 0 ? GradClip.clipGradNorm(params, options.clipNorm()) : Double.NaN;
                    if (options.clipNorm() > 0 && !Double.isFinite(gradNorm)) {
                        throw new TrainingFailedException(stage + ": iteration " + (it + 1) + ": the gradient norm is " + gradNorm
                                + " (loss " + totalValue + " " + values + "); stopping" + (lastCheckpoint != null
                                ? "; the last good checkpoint is " + lastCheckpoint : " (no checkpoint written yet)"));
                    }
                    lr = optimizer.paramGroups().get(0).lr();
                    optimizer.step();
                    scheduler.step();
                    if (ema != null) {
                        ema.update(it + 1);
                        stepScope.keepAll(ema.state().values());
                    }
                    stepScope.keepAll(model.stateDict().values());
                    stepScope.keepAll(optimizer.persistentTensors());
                }
                values.forEach((k, v) -> window.merge(k, v, Double::sum));
                windowCount++;
                long done = it + 1;
                boolean last = done == options.iterations();
                if (done % Math.max(1, options.logEvery()) == 0 || last) {
                    double secs = (System.nanoTime() - windowStart) / 1e9 / windowCount;
                    Map<String, Double> avg = new LinkedHashMap<>();
                    double sum = 0;
                    for (Map.Entry<String, Double> e : window.entrySet()) {
                        avg.put(e.getKey(), e.getValue() / windowCount);
                        sum += e.getValue() / windowCount;
                    }
                    IterationRecord r = new IterationRecord(done, options.iterations(), lr, avg, sum, secs,
                            options.batchSize() / secs, gradNorm);
                    log.onIteration(r);
                    window.clear();
                    windowCount = 0;
                    windowStart = System.nanoTime();
                }
                double iterationSecs = (System.nanoTime() - iterationStart) / 1e9;
                IterationRecord live = new IterationRecord(done, options.iterations(), lr, values, totalValue, iterationSecs,
                        options.batchSize() / iterationSecs, gradNorm);
                for (TrainingListener l : listeners) {
                    l.onIteration(live);
                }
                if (evaluator != null && (last || (options.evalEvery() > 0 && done % options.evalEvery() == 0))) {
                    Map<String, Double> m = evaluate();
                    lastMetrics.clear();
                    lastMetrics.putAll(m);
                    all.forEach(l -> l.onEvaluation(done, m));
                }
                if (last || done % Math.max(1, options.checkpointEvery()) == 0) {
                    lastCheckpoint = save(store, done, optimizer, scheduler, loader, lastMetrics, all);
                }
            }
            if (ema != null) {
                // the run's result is the averaged model (the caller saves the model's weights)
                model.loadStateDict(ema.state(), true);
            }
            TrainOutcome o = new TrainOutcome(TrainOutcome.Status.COMPLETED, options.iterations(), lastCheckpoint,
                    lastMetrics, stage + ": completed " + options.iterations() + " iterations");
            all.forEach(l -> l.onEnd(o));
            return o;
        } finally {
            loader.close();
        }
    }

    /** Evaluates the model, or with weight EMA the averaged model (then the live weights are put back). */
    private Map<String, Double> evaluate() {
        model.train(false);
        Map<String, org.cassl.tensor.Tensor> live = ema == null ? null : ema.swapIn();
        try {
            return evaluator.apply(model);
        } finally {
            if (live != null) {
                model.loadStateDict(live, true);
            }
            model.train(true);
        }
    }

    /** Loader position after {@code iterations} batches. */
    private LoaderPosition positionAfter(long iterations) {
        // mirrors DataLoader.batchesPerEpoch with dropLast (which it ignores for tiny datasets)
        int n = dataset.size();
        int bs = options.batchSize();
        int bpe = n >= bs ? n / bs : (n + bs - 1) / bs;
        return new LoaderPosition((int) (iterations / bpe), (int) (iterations % bpe));
    }

    static long mixSeed(long seed, long iteration) {
        long z = seed * 0x9E3779B97F4A7C15L + iteration * 0xD1B54A32D192ED03L + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 32)) * 0xd6e8feb86659fd93L;
        return z ^ (z >>> 32);
    }

    private Path save(CheckpointStore store, long iteration, Optimizer optimizer, LrScheduler scheduler,
                      DataLoader<B> loader, Map<String, Double> metrics, List<TrainingListener> all) {
        if (!gradientSync.writesCheckpoints()) {
            return null;
        }
        OptimizerState os = optimizer.stateDict();
        ObjectNode state = JSON.createObjectNode();
        state.put("stage", stage);
        state.put("iteration", iteration);
        state.put("total_iterations", options.iterations());
        state.put("fingerprint", fingerprint);
        state.put("seed", options.seed());
        state.set("optimizer", JSON.valueToTree(os.scalars()));
        state.set("scheduler", JSON.valueToTree(scheduler.stateDict()));
        LoaderPosition pos = positionAfter(iteration);
        state.putObject("loader").put("epoch", pos.epoch()).put("batch", pos.batch());
        state.set("metrics", JSON.valueToTree(metrics));
        Map<String, org.cassl.tensor.Tensor> extra = os.tensors();
        if (ema != null) {
            extra = new LinkedHashMap<>(extra);
            for (Map.Entry<String, org.cassl.tensor.Tensor> e : ema.state().entrySet()) {
                extra.put(EMA_PREFIX + e.getKey(), e.getValue());
            }
        }
        Path dir = store.save(iteration, model.stateDict(), extra, state);
        all.forEach(l -> l.onCheckpoint(iteration, dir));
        return dir;
    }

    @SuppressWarnings("unchecked")
    private void restore(Checkpoint ck, Optimizer optimizer, LrScheduler scheduler) {
        String fp = ck.state().path("fingerprint").asText("");
        if (!fp.equals(fingerprint)) {
            throw new TrainingFailedException(stage + ": cannot resume from " + ck.dir()
                    + ": it was written by a run with a different configuration (fingerprint " + fp + ", this run "
                    + fingerprint + "); use a new output folder or the same options");
        }
        model.loadStateDict(ck.weights(), true);
        Map<String, Object> scalars = JSON.convertValue(ck.state().path("optimizer"), Map.class);
        Map<String, org.cassl.tensor.Tensor> opt = new LinkedHashMap<>();
        Map<String, org.cassl.tensor.Tensor> averaged = new LinkedHashMap<>();
        ck.optimizer().forEach((k, v) -> {
            if (k.startsWith(EMA_PREFIX)) {
                averaged.put(k.substring(EMA_PREFIX.length()), v);
            } else {
                opt.put(k, v);
            }
        });
        optimizer.loadStateDict(new OptimizerState(opt, scalars));
        if (ema != null) {
            ema.load(averaged);
        }
        scheduler.loadStateDict(JSON.convertValue(ck.state().path("scheduler"), Map.class));
    }
}
