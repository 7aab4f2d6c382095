package org.cassl.app.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cassl.app.api.BackboneWeightsTest;
import org.cassl.app.shapes.GenerateShapes;
import org.cassl.nn.models.ResNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --backbone-weights} of another architecture: one line, exit status 2, nothing trained. */
class BackboneWeightsCliTest {
    @Test
    void wrongArchitectureEndsWithOneLine(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        GenerateShapes.run(new GenerateShapes.Options(data, 2, 2, 1, 1, 64, false, 1));
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, BackboneWeightsTest.CONFIG.replace("resnet18", "resnet50"));
        Path w = dir.resolve("resnet18.safetensors");
        BackboneWeightsTest.imagenetCheckpoint(w, ResNet.Arch.RESNET18, 1);
        Path out = dir.resolve("run");
        CliBadInputTest.badInput(CliBadInputTest.run("train", "--config", cfg.toString(), "--ann",
                data.resolve("labeled.json").toString(), "--images", data.resolve("labeled").toString(), "--out",
                out.toString(), "--iters", "1", "--backbone-weights", w.toString()),
                "backbone weights resnet18.safetensors do not fit resnet50: layer1.0.conv1.weight is [64, 64, 3, 3]");
        assertFalse(Files.exists(out.resolve("train.json")));
        CliBadInputTest.badInput(CliBadInputTest.run("ca-ssl", "--labeled", data.resolve("labeled.json").toString(),
                "--labeled-images", data.resolve("labeled").toString(), "--unlabeled", data.resolve("unlabeled").toString(),
                "--val", data.resolve("val.json").toString(), "--val-images", data.resolve("val").toString(), "--config",
                cfg.toString(), "--out", dir.resolve("exp").toString(), "--iters", "1", "--backbone-weights",
                dir.resolve("missing.pth").toString()), "backbone weights not found");
        CliBadInputTest.badInput(CliBadInputTest.run("train", "--config", cfg.toString(), "--ann",
                data.resolve("labeled.json").toString(), "--images", data.resolve("labeled").toString(), "--out",
                out.toString(), "--init", w.toString(), "--backbone-weights", w.toString()), "exclude each other");
    }
}
