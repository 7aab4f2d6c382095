package org.cassl.training.pipeline;

import org.cassl.tensor.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.Target;
import org.cassl.detection.fcos.Fcos;
import org.cassl.nn.Weights;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.training.UserInputException;
import org.cassl.training.checkpoint.CheckpointStore;
import org.cassl.training.data.DatasetRoot;
import org.cassl.training.data.CocoTrainDataset;
import org.cassl.training.eval.DetectionEvaluator;
import org.cassl.training.model.BackboneWeights;
import org.cassl.training.data.DetectionSample;
import org.cassl.training.trainer.CancellationToken;
import org.cassl.training.trainer.GradientSync;
import org.cassl.training.trainer.LossFunction;
import org.cassl.training.trainer.TrainOutcome;
import org.cassl.training.trainer.Trainer;
import org.cassl.training.trainer.TrainingListener;

/**
 * One training stage on COCO data, from a {@link TrainSpec} to a run folder:
 * {@code config.json} (model config), {@code train.json} (the spec), {@code metrics.jsonl},
 * {@code checkpoints/}, and at the end {@code model.safetensors} (torchvision names) and
 * {@code eval.json} (the final validation metrics).
 */
public final class TrainRun {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Parameters whose shape depends on the number of classes: FCOS's class logits and the RoI mask
     * predictor's per-class mask logits. The fine-tune re-initialises exactly these.
     */
    public static final List<String> CLASS_SPECIFIC_PREFIXES = List.of("head.classification_head.cls_logits.",
            "roi_heads.mask_predictor.mask_fcn_logits.");

    private final TrainSpec spec;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private CancellationToken cancellation = new CancellationToken();
    private Device device = Device.CPU;

    public TrainRun(TrainSpec spec) {
        this.spec = spec;
    }

    public TrainRun listener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /**
     * Where to train: the model, its gradients and optimizer state live there, and each batch is
     * uploaded there after decoding on the loader's threads (default: the CPU).
     */
    public TrainRun device(Device device) {
        this.device = device;
        return this;
    }

    /**
     * Runs this stage as replica {@code rank} of {@code world} data-parallel replicas: the spec's
     * batch size is the global batch, this replica trains on its slice of each global batch and
     * {@code sync} averages the gradients. Rank 0 owns the run folder (description, checkpoints,
     * final weights, evaluation); the others keep only their metrics, under
     * {@code out/replicas/rank-N}, and resume from rank 0's checkpoints (so {@code out} must be a
     * folder every replica sees).
     */
    public TrainRun replica(int rank, int world, GradientSync sync) {
        if (world < 1 || rank < 0 || rank >= world) {
            throw new IllegalArgumentException("replica " + rank + " of " + world);
        }
        this.rank = rank;
        this.world = world;
        this.sync = sync;
        return this;
    }

    private int rank = 0;
    private int world = 1;
    private GradientSync sync = GradientSync.NONE;

    public TrainRun cancellation(CancellationToken token) {
        this.cancellation = token;
        return this;
    }

    /** The final weights of a finished run folder. */
    public static Path weightsOf(Path runDir) {
        return runDir.resolve("model.safetensors");
    }

    /** Whether a run folder holds a finished run. */
    public static boolean isFinished(Path runDir) {
        return Files.isRegularFile(weightsOf(runDir)) && Files.isRegularFile(runDir.resolve("eval.json"));
    }

    /**
     * Trains (or, with {@code resume}, continues) and returns the outcome; a finished run folder is
     * not retrained when resuming.
     */
    public TrainOutcome run(boolean resume) {
        Path shared = spec.out();
        Path out = rank == 0 ? shared : shared.resolve("replicas").resolve("rank-" + rank);
        boolean hasCheckpoints = !new CheckpointStore(shared, 1).list().isEmpty();
        if (!resume && (hasCheckpoints || Files.exists(weightsOf(shared)))) {
            throw new UserInputException(out + " already holds a run; pass --resume to continue it or choose another --out");
        }
        String fingerprint = fingerprint();
        if (resume && isFinished(shared)) {
            checkFinishedFingerprint(shared, fingerprint);
            // rank 0's evaluation: a replica's own folder holds only its metrics
            return new TrainOutcome(TrainOutcome.Status.COMPLETED, spec.options().iterations(), null, readEval(shared),
                    spec.stage() + ": already finished in " + shared);
        }
        FcosConfig cfg = spec.model();
        Fcos model = initialModel();
        if (!device.isCpu()) {
            model.to(device);
        }
        boolean masks = cfg.maskHead() != FcosConfig.MaskHead.NONE;
        CocoTrainDataset data = new CocoTrainDataset(spec.train(), new DatasetRoot(spec.trainImages()), spec.labels(), masks,
                spec.augmentation(), cfg.numClasses());
        writeDescription(out, fingerprint);
        Trainer<DetectionSample> trainer = new Trainer<>(spec.stage(), model, data, lossFunction(model), spec.options(), out,
                fingerprint).cancellation(cancellation);
        if (world > 1) {
            trainer.shard(rank, world).gradientSync(sync, rank == 0 ? null : shared);
        }
        listeners.forEach(trainer::addListener);
        DetectionEvaluator evaluator = spec.val() == null || rank != 0 ? null
                : new DetectionEvaluator(spec.val(), new DatasetRoot(spec.valImages()), 8);
        if (evaluator != null) {
            trainer.evaluator(m -> evaluator.evaluate((Fcos) m, null).metrics());
        }
        TrainOutcome outcome = trainer.run(resume);
        if (outcome.status() == TrainOutcome.Status.COMPLETED && rank == 0) {
            Weights.save(model, weightsOf(out));
            writeJson(out.resolve("eval.json"), outcome.finalMetrics());
        }
        return outcome;
    }

    /**
     * The model as this stage starts it, before any step or checkpoint: a fresh init from the
     * seed, then the initial weights ({@link TrainSpec#init}) or the ImageNet backbone weights
     * ({@link TrainSpec#backbone}) loaded into it.
     */
    public Fcos initialModel() {
        Fcos model = new Fcos(spec.model(), new Generator(spec.options().seed()));
        if (spec.init() != null) {
            loadInit(model);
        } else if (spec.backbone() != null) {
            BackboneWeights.load(model, spec.backbone().file());
        }
        return model;
    }

    static LossFunction<DetectionSample> lossFunction(Fcos model) {
        Device device = model.device();
        return (batch, rng) -> {
            List<Tensor> images = new ArrayList<>();
            List<Target> targets = new ArrayList<>();
            for (DetectionSample s : batch) {
                images.add(s.image().to(device));
                targets.add(s.target().to(device));
            }
            Map<String, Variable> l = model.losses(images, targets, rng);
            return l;
        };
    }

    private void loadInit(Fcos model) {
        if (!Files.isRegularFile(spec.init())) {
            throw new UserInputException("initial weights not found: " + spec.init());
        }
        Map<String, Tensor> w = new LinkedHashMap<>(Weights.load(spec.init()));
        if (spec.reinitClassLogits()) {
            w.keySet().removeIf(TrainRun::isClassSpecific);
            Map<String, Tensor> own = model.stateDict();
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                if (isClassSpecific(e.getKey())) {
                    w.put(e.getKey(), e.getValue());
                }
            }
        }
        model.loadStateDict(w, true);
    }

    static boolean isClassSpecific(String key) {
        return CLASS_SPECIFIC_PREFIXES.stream().anyMatch(key::startsWith);
    }

    private String fingerprint() {
        ObjectNode n = description();
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] h = md.digest(JSON.writeValueAsBytes(n));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private ObjectNode description() {
        ObjectNode n = JSON.createObjectNode();
        n.put("stage", spec.stage());
        n.set("model", modelJson());
        n.put("train", spec.train().source());
        n.put("train_images", spec.trainImages().toString());
        n.put("train_image_count", spec.train().images().size());
        n.put("train_annotation_count", spec.train().annotations().size());
        n.put("labels", spec.labels().name());
        n.set("augmentation", JSON.valueToTree(spec.augmentation()));
        n.put("init", spec.init() == null ? null : spec.init().toString());
        n.put("reinit_class_logits", spec.reinitClassLogits());
        if (spec.backbone() != null) {
            n.set("backbone_weights", spec.backbone().toJson());
        }
        n.set("options", JSON.valueToTree(spec.options()));
        return n;
    }

    private com.fasterxml.jackson.databind.JsonNode modelJson() {
        try {
            return JSON.readTree(spec.model().toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeDescription(Path out, String fingerprint) {
        ObjectNode n = description();
        n.put("fingerprint", fingerprint);
        n.put("val", spec.val() == null ? null : spec.val().source());
        writeJson(out.resolve("train.json"), n);
        writeJson(out.resolve("config.json"), modelJson());
    }

    private void checkFinishedFingerprint(Path out, String fingerprint) {
        try {
            String fp = JSON.readTree(Files.readString(out.resolve("train.json"))).path("fingerprint").asText("");
            if (!fp.equals(fingerprint)) {
                throw new UserInputException(out + " holds a finished run of a different configuration; choose another --out");
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read " + out.resolve("train.json") + ": " + e.getMessage());
        }
    }

    static Map<String, Double> readEval(Path out) {
        return readEval(out, "eval.json");
    }

    static Map<String, Double> readEval(Path out, String file) {
        Map<String, Double> m = new LinkedHashMap<>();
        try {
            JSON.readTree(Files.readString(out.resolve(file))).fields()
                    .forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    static void writeJson(Path file, Object value) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value), StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
