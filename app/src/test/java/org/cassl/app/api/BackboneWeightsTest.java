package org.cassl.app.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.cassl.app.shapes.GenerateShapes;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.Fcos;
import org.cassl.nn.Init;
import org.cassl.nn.Parameter;
import org.cassl.nn.Weights;
import org.cassl.nn.layers.FrozenBatchNorm2d;
import org.cassl.nn.models.NormKind;
import org.cassl.nn.models.ResNet;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.io.SafeTensors;
import org.cassl.training.api.CaSslJob;
import org.cassl.training.api.JobResult;
import org.cassl.training.api.ModelLoadException;
import org.cassl.training.api.TrainingJob;
import org.cassl.training.model.BackboneWeights;
import org.cassl.training.pipeline.TrainRun;
import org.cassl.training.pipeline.TrainSpec;
import org.cassl.training.trainer.TrainOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ImageNet backbone weights: exact load into backbone.body, torchvision's pretrained rules, refusals, CA-SSL stages. */
public class BackboneWeightsTest {
    /** resnet18 without frozen_bn / trainable_backbone_layers: the pretrained defaults apply. */
    public static final String CONFIG = "{\"backbone\": \"resnet18\", \"fpn_channels\": 32, \"num_classes\": 7,"
            + " \"min_size\": 64, \"max_size\": 64, \"score_thresh\": 0.0}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path data;
    static Path config;
    static Path imagenet;
    static Map<String, Tensor> ckpt;

    /**
     * A torchvision-style ImageNet classification state dict of {@code arch} with random values
     * everywhere (running statistics included) and a small {@code fc}, saved as safetensors.
     */
    @SuppressWarnings("try")
    public static Map<String, Tensor> imagenetCheckpoint(Path file, ResNet.Arch arch, long seed) {
        ResNet net;
        try (Init.Scope s = Init.skipRandom()) {
            net = new ResNet(arch, NormKind.BATCH, 10, new org.cassl.tensor.Generator(0));
        }
        Random r = new Random(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : net.stateDict().entrySet()) {
            int[] shape = e.getValue().shape();
            if (e.getKey().endsWith("num_batches_tracked")) {
                out.put(e.getKey(), Tensor.of(new long[] {1234}, shape));
                continue;
            }
            float[] v = new float[(int) e.getValue().numel()];
            for (int i = 0; i < v.length; i++) {
                v[i] = e.getKey().endsWith("running_var") ? 0.5f + r.nextFloat() : (float) r.nextGaussian() * 0.05f;
            }
            out.put(e.getKey(), Tensor.of(v, shape));
        }
        SafeTensors.write(file, out);
        return out;
    }

    @BeforeAll
    static void setUp() throws Exception {
        data = dir.resolve("data");
        GenerateShapes.run(new GenerateShapes.Options(data, 4, 4, 2, 1, 64, false, 1));
        config = dir.resolve("config.json");
        Files.writeString(config, CONFIG);
        imagenet = dir.resolve("resnet18-imagenet.safetensors");
        ckpt = imagenetCheckpoint(imagenet, ResNet.Arch.RESNET18, 42);
    }

    private static TrainRun run(FcosConfig cfg, BackboneWeights.Plan plan) {
        TrainOptions o = TrainOptions.recipe(1, 2, 0.01, "sgd", "multistep", 0, 1e-4, 3, 0, 0, 100);
        return new TrainRun(new TrainSpec("train", cfg, null, null, null, null, null, null, null, false, o,
                dir.resolve("unused"), plan));
    }

    @Test
    void loadsExactlyIntoTheBodyWithThePretrainedRules() {
        FcosConfig parsed = FcosConfig.parse(CONFIG);
        BackboneWeights.Plan plan = BackboneWeights.plan(imagenet, config, parsed);
        assertEquals(new BackboneWeights.Plan(imagenet, true, "pretrained default", 3, "pretrained default"), plan);
        Fcos model = run(plan.apply(parsed), plan).initialModel();
        Map<String, Tensor> state = model.stateDict();
        int compared = 0;
        for (Map.Entry<String, Tensor> e : ckpt.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("fc.") || k.endsWith("num_batches_tracked")) {
                assertNull(state.get("backbone.body." + k), k + " is not part of the body");
                continue;
            }
            assertArrayEquals(e.getValue().toFloatArray(), state.get("backbone.body." + k).toFloatArray(), k);
            compared++;
        }
        assertEquals(100, compared, "every conv weight and frozen-BN tensor of resnet18");
        assertTrue(model.backbone().body().namedModules().get("bn1") instanceof FrozenBatchNorm2d);
        for (Map.Entry<String, Parameter> p : model.backbone().body().namedParameters().entrySet()) {
            boolean trainable = p.getKey().startsWith("layer2") || p.getKey().startsWith("layer3")
                    || p.getKey().startsWith("layer4");
            assertEquals(trainable, p.getValue().requiresGrad(), p.getKey());
        }
        // the rest of the model is the seed's fresh init, the same as without backbone weights
        Fcos fresh = run(plan.apply(parsed), null).initialModel();
        assertArrayEquals(fresh.stateDict().get("backbone.fpn.inner_blocks.0.0.weight").toFloatArray(),
                state.get("backbone.fpn.inner_blocks.0.0.weight").toFloatArray());
    }

    @Test
    void explicitConfigKeysWin() throws Exception {
        Path c = dir.resolve("explicit.json");
        Files.writeString(c, CONFIG.replace("}", ", \"frozen_bn\": false, \"trainable_backbone_layers\": 5}"));
        FcosConfig parsed = FcosConfig.load(c);
        BackboneWeights.Plan plan = BackboneWeights.plan(imagenet, c, parsed);
        assertEquals(new BackboneWeights.Plan(imagenet, false, "config", 5, "config"), plan);
        Fcos model = run(plan.apply(parsed), plan).initialModel();
        assertArrayEquals(ckpt.get("bn1.running_var").toFloatArray(),
                model.stateDict().get("backbone.body.bn1.running_var").toFloatArray());
        assertTrue(model.backbone().body().namedParameters().values().stream().allMatch(Parameter::requiresGrad));
    }

    @Test
    void trainingJobStartsFromTheBackboneAndRecordsTheRules() throws Exception {
        Path out = dir.resolve("run");
        JobResult r = TrainingJob.builder(config, data.resolve("labeled.json"), data.resolve("labeled"), out).iterations(2)
                .batchSize(2).workers(1).seed(3).warmupIterations(0).backboneWeights(imagenet).build().run();
        assertTrue(r.completed(), r.message());
        JsonNode train = JSON.readTree(Files.readString(out.resolve("train.json")));
        JsonNode bw = train.get("backbone_weights");
        assertEquals(imagenet.toString(), bw.get("file").asText());
        assertTrue(bw.get("frozen_bn").asBoolean());
        assertEquals("pretrained default", bw.get("frozen_bn_from").asText());
        assertEquals(3, bw.get("trainable_backbone_layers").asInt());
        assertEquals("pretrained default", bw.get("trainable_backbone_layers_from").asText());
        JsonNode cfg = JSON.readTree(Files.readString(out.resolve("config.json")));
        assertTrue(cfg.get("frozen_bn").asBoolean());
        assertEquals(3, cfg.get("trainable_backbone_layers").asInt());
        Map<String, Tensor> w = Weights.load(r.weights());
        // frozen: conv1, layer1 and every FrozenBatchNorm keep the checkpoint's values after training
        for (String k : new String[] {"conv1.weight", "bn1.weight", "bn1.running_mean", "layer1.1.conv2.weight",
                "layer4.1.bn2.running_var", "layer3.0.downsample.1.bias"}) {
            assertArrayEquals(ckpt.get(k).toFloatArray(), w.get("backbone.body." + k).toFloatArray(), k);
        }
        assertFalse(java.util.Arrays.equals(ckpt.get("layer4.1.conv2.weight").toFloatArray(),
                w.get("backbone.body.layer4.1.conv2.weight").toFloatArray()), "layer4 trains");
        assertFalse(w.keySet().stream().anyMatch(k -> k.contains("fc.")), "fc is ignored");
    }

    @Test
    void anotherArchitectureIsRefusedWithOneLine() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> TrainingJob.builder(
                config.resolveSibling("r50.json"), data.resolve("labeled.json"), data.resolve("labeled"),
                dir.resolve("r50")).iterations(1).backboneWeights(imagenet).build().run());
        assertTrue(e.getMessage().contains("config file not found"), e.getMessage());
        Path r50 = dir.resolve("r50.json");
        assertDoesNotThrow(() -> Files.writeString(r50, CONFIG.replace("resnet18", "resnet50")));
        e = assertThrows(ModelLoadException.class, () -> TrainingJob.builder(r50, data.resolve("labeled.json"),
                data.resolve("labeled"), dir.resolve("r50")).iterations(1).backboneWeights(imagenet).build().run());
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.startsWith("backbone weights resnet18-imagenet.safetensors do not fit resnet50: "
                + "layer1.0.conv1.weight is [64, 64, 3, 3], expected [64, 64, 1, 1]"), m);
        assertFalse(Files.exists(dir.resolve("r50/train.json")), "nothing ran");
        assertThrows(IllegalArgumentException.class, () -> TrainingJob.builder(config, config, config, config)
                .init(imagenet, false).backboneWeights(imagenet).build());
    }

    @Test
    void aMissingTensorIsNamed() throws Exception {
        Map<String, Tensor> partial = new LinkedHashMap<>(ckpt);
        partial.remove("layer2.1.bn1.running_mean");
        Path f = dir.resolve("partial.safetensors");
        SafeTensors.write(f, partial);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> CaSslJob.builder(config,
                data.resolve("labeled.json"), data.resolve("labeled"), data.resolve("unlabeled"), data.resolve("val.json"),
                data.resolve("val"), dir.resolve("partial")).iterations(1).backboneWeights(f).build().run());
        assertEquals("backbone weights partial.safetensors do not fit resnet18: no layer2.1.bn1.running_mean; expected "
                + "torchvision's resnet18 ImageNet state dict (conv1, bn1, layer1..4, fc)", e.getMessage());
    }

    @Test
    void caSslBaselineAndWarmupStartFromTheSameBackbone() throws Exception {
        Path exp = dir.resolve("exp");
        JobResult r = CaSslJob.builder(config, data.resolve("labeled.json"), data.resolve("labeled"),
                data.resolve("unlabeled"), data.resolve("val.json"), data.resolve("val"), exp).iterations(1).batchSize(2)
                .workers(1).tau(0.0).backboneWeights(imagenet).build().run();
        assertTrue(r.completed(), r.message());
        for (String stage : new String[] {"baseline", "warmup-agnostic"}) {
            JsonNode train = JSON.readTree(Files.readString(exp.resolve(stage).resolve("train.json")));
            if (stage.equals("baseline")) {
                assertEquals(imagenet.toString(), train.path("backbone_weights").path("file").asText(), stage);
                assertTrue(train.get("init").isNull(), stage);
            } else {
                // the warmup starts from the baseline's initial weights, which hold the backbone
                assertTrue(train.get("init").asText().endsWith("init.safetensors"), stage);
            }
            Map<String, Tensor> w = Weights.load(TrainRun.weightsOf(exp.resolve(stage)));
            for (String k : new String[] {"conv1.weight", "layer1.0.conv1.weight", "layer2.0.bn1.running_var"}) {
                assertArrayEquals(ckpt.get(k).toFloatArray(), w.get("backbone.body." + k).toFloatArray(), stage + " " + k);
            }
        }
        JsonNode fine = JSON.readTree(Files.readString(exp.resolve("finetune-agnostic/train.json")));
        assertTrue(fine.path("backbone_weights").isMissingNode(), "the fine-tune starts from the warmup");
        assertTrue(fine.get("init").asText().endsWith("model.safetensors"));
        assertTrue(fine.path("model").path("frozen_bn").asBoolean());
    }

    private static void assertDoesNotThrow(org.junit.jupiter.api.function.Executable x) {
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(x);
    }
}
