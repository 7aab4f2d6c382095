package org.cassl.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad input ends with one line on stderr, exit status 2, no stack trace and no output file. */
class CliBadInputTest {
    record Run(int code, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, err.toString());
    }

    static void badInput(Run r, String expected) {
        assertEquals(2, r.code(), r.err());
        String e = r.err().strip();
        assertFalse(e.contains("\n"), "one line only: " + e);
        assertFalse(e.contains("Exception") || e.contains("\tat "), "no stack trace: " + e);
        assertTrue(e.contains(expected), "'" + e + "' should mention '" + expected + "'");
    }

    static final String CONFIG = "{\"backbone\": \"resnet18\", \"fpn_channels\": 32, \"num_classes\": 3, \"min_size\": 64,"
            + " \"max_size\": 64}";

    @Test
    void missingAndMalformedFiles(@TempDir Path dir) throws Exception {
        badInput(run("eval", "--gt", dir.resolve("gt.json").toString(), "--dt", dir.resolve("dt.json").toString()),
                "not found");
        Path gt = dir.resolve("bad.json");
        Files.writeString(gt, "{\"images\": [");
        Files.writeString(dir.resolve("dt.json"), "[]");
        badInput(run("eval", "--gt", gt.toString(), "--dt", dir.resolve("dt.json").toString()), "bad.json");
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, CONFIG.replace("\"max_size\"", "\"max_sise\""));
        Path img = dir.resolve("i.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB), "png",
                img.toFile());
        badInput(run("detect", "--config", cfg.toString(), "--weights", dir.resolve("w.safetensors").toString(),
                img.toString()), "max_sise");
        Path corrupt = dir.resolve("corrupt.png");
        Files.writeString(corrupt, "not a png");
        Files.writeString(cfg, CONFIG);
        new org.cassl.detection.fcos.Fcos(org.cassl.detection.FcosConfig.parse(CONFIG)).saveWeights(dir.resolve("w.safetensors"));
        badInput(run("detect", "--config", cfg.toString(), "--weights", dir.resolve("w.safetensors").toString(),
                corrupt.toString()), "corrupt.png");
    }

    @Test
    void weightsThatDoNotFitTheConfigAreListed(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, CONFIG);
        Path w = dir.resolve("w.safetensors");
        SafeTensors.write(w, Map.of("head.classification_head.cls_logits.bias", Tensor.zeros(5), "extra.weight",
                Tensor.zeros(1)));
        Path img = dir.resolve("i.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB), "png",
                img.toFile());
        Path out = dir.resolve("out.json");
        Run r = run("detect", "--config", cfg.toString(), "--weights", w.toString(), "--out", out.toString(),
                img.toString());
        badInput(r, "extra.weight");
        assertFalse(Files.exists(out), "no output file on failure");
    }

    @Test
    void corruptImagesAndPathsEscapingTheRoot(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, CONFIG);
        Path images = Files.createDirectories(dir.resolve("images"));
        Files.writeString(images.resolve("a.png"), "not a png");
        Path ann = dir.resolve("a.json");
        Files.writeString(ann, "{\"images\": [{\"id\": 1, \"file_name\": \"../c.json\", \"width\": 8, \"height\": 8}],"
                + " \"annotations\": [], \"categories\": [{\"id\": 1, \"name\": \"x\"}]}");
        badInput(run("train", "--config", cfg.toString(), "--ann", ann.toString(), "--images", images.toString(), "--out",
                dir.resolve("run").toString(), "--iters", "1"), "escapes the image folder");
        Path w = dir.resolve("w.safetensors");
        SafeTensors.write(w, Map.of("x", Tensor.zeros(1)));
        badInput(run("pseudo-label", "--config", cfg.toString(), "--weights", dir.resolve("none.safetensors").toString(),
                "--images", images.toString(), "--out", dir.resolve("p.json").toString()), "not found");
        badInput(run("generate-shapes", "--out", dir.resolve("s").toString(), "--size", "16"), "--size 16");
        badInput(run("generate-shapes", "--out", dir.resolve("s").toString(), "--textures", "solid,plaid"),
                "unknown texture 'plaid'");
        badInput(run("generate-shapes", "--out", dir.resolve("s").toString(), "--outline-probability", "2"),
                "outlineProbability = 2.0");
    }

    @Test
    void unknownMaskHeadIsAUsageError() {
        badInput(run("demo", "--mask-head", "unet"), "expected none, condinst or roi");
    }

    @Test
    void unknownAugmentationIsOneLineAndWritesNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("demo");
        badInput(run("demo", "--quick", "--augment", "rotate", "--out", out.toString()),
                "--augment: unknown augmentation 'rotate' (known: none, standard, dihedral)");
        assertFalse(Files.exists(out), "nothing written");
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, CONFIG);
        Path run = dir.resolve("run");
        badInput(run("train", "--config", cfg.toString(), "--ann", dir.resolve("a.json").toString(), "--images",
                dir.toString(), "--out", run.toString(), "--augment", "rotate"), "unknown augmentation 'rotate'");
        badInput(run("train", "--config", cfg.toString(), "--ann", dir.resolve("a.json").toString(), "--images",
                dir.toString(), "--out", run.toString(), "--augment", "dihedral", "--no-augment"), "contradict");
        assertFalse(Files.exists(run), "no run folder");
    }

    @Test
    void demoInputSizeOutOfRangeIsOneLineAndWritesNothing(@TempDir Path dir) {
        Path out = dir.resolve("demo");
        badInput(run("demo", "--quick", "--input-size", "7", "--out", out.toString()), "--input-size must be between 32 and 1024");
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void caSslWithAMissingAnnotationFileLeavesNoExperimentFolder(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, CONFIG);
        Path images = Files.createDirectories(dir.resolve("images"));
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB), "png",
                images.resolve("u.png").toFile());
        Path out = dir.resolve("exp");
        Run r = run("ca-ssl", "--config", cfg.toString(), "--labeled", dir.resolve("missing.json").toString(),
                "--labeled-images", images.toString(), "--unlabeled", images.toString(), "--val",
                dir.resolve("missing.json").toString(), "--val-images", images.toString(), "--out", out.toString());
        badInput(r, "missing.json");
        assertTrue(r.err().startsWith("cassl ca-ssl: error: "), r.err());
        assertFalse(Files.exists(out), "no experiment folder on bad input");
    }

    @Test
    void errorsNameTheWholeSubcommand() {
        CommandLine gemm = Main.commandLine().getSubcommands().get("bench").getSubcommands().get("gemm");
        StringWriter err = new StringWriter();
        gemm.setErr(new PrintWriter(err, true));
        int code = new ErrorReporter().handleExecutionException(
                new org.cassl.training.UserInputException("bad size"), gemm, null);
        assertEquals(2, code);
        assertEquals("cassl bench gemm: error: bad size", err.toString().strip());
    }
}
