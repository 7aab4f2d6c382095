package org.cassl.bench.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.cassl.kernels.CudaBackend;
import org.cassl.kernels.emu.EmulatedRuntime;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.io.SafeTensors;
import org.cassl.training.api.JobResult;
import org.cassl.training.api.TrainingJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code TrainingJob.device("cuda:0")} trains on the device: the same one-step run on the CUDA
 * backend over the kernel emulator and on the CPU ends with the same weights (within float
 * tolerance), written from the device as a loadable safetensors file.
 */
class EmulatedTrainingJobTest {
    @Test
    void aTrainingJobOnTheDeviceMatchesTheCpu(@TempDir Path dir) throws Exception {
        String why = EmulatedRuntime.unavailableReason();
        assumeTrue(why == null, () -> "kernel emulation unavailable: " + why);
        Path config = dir.resolve("config.json");
        Files.writeString(config, FcosStepCheck.config().toJson());
        Path images = dir.resolve("images");
        Files.createDirectories(images);
        StringBuilder anns = new StringBuilder();
        StringBuilder ims = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            BufferedImage bi = new BufferedImage(40, 32, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = bi.createGraphics();
            g.setColor(i == 0 ? Color.ORANGE : Color.CYAN);
            g.fillOval(6 + 4 * i, 5, 18, 16);
            g.dispose();
            ImageIO.write(bi, "png", images.resolve(i + ".png").toFile());
            ims.append(i == 0 ? "" : ",").append("{\"id\":").append(i + 1).append(",\"file_name\":\"").append(i)
                    .append(".png\",\"width\":40,\"height\":32}");
            anns.append(i == 0 ? "" : ",").append("{\"id\":").append(i + 1).append(",\"image_id\":").append(i + 1)
                    .append(",\"category_id\":").append(i + 1).append(",\"bbox\":[").append(6 + 4 * i)
                    .append(",5,18,16],\"area\":288,\"iscrowd\":0}");
        }
        Path ann = dir.resolve("train.json");
        Files.writeString(ann, "{\"images\":[" + ims + "],\"annotations\":[" + anns
                + "],\"categories\":[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"b\"}]}");

        Map<String, Tensor> cpu = train(config, ann, images, dir.resolve("cpu"), "cpu");
        CudaBackend gpu = FcosStepCheck.emulatedBackend();
        Map<String, Tensor> dev;
        try {
            dev = train(config, ann, images, dir.resolve("cuda"), "cuda:0");
        } finally {
            Backends.uninstall(gpu);
            gpu.close();
        }
        assertEquals(cpu.keySet(), dev.keySet());
        double largest = 0;
        for (Tensor t : cpu.values()) {
            largest = Math.max(largest, norm(t.toDoubleArray()));
        }
        for (String k : cpu.keySet()) {
            double[] a = cpu.get(k).toDoubleArray();
            double[] b = dev.get(k).toDoubleArray();
            double[] d = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                d[i] = a[i] - b[i];
            }
            // relative to the tensor, with a floor of 1e-3 of the largest (tensors that are ~0)
            double rel = norm(d) / Math.max(norm(a), 1e-3 * largest);
            assertTrue(rel < 2e-3, k + ": relative L2 difference " + rel);
        }
    }

    private static Map<String, Tensor> train(Path config, Path ann, Path images, Path out, String device) {
        JobResult r = TrainingJob.builder(config, ann, images, out).iterations(1).batchSize(2).workers(0).augment(false)
                .device(device).build().run();
        assertTrue(r.completed(), r.message());
        return SafeTensors.read(r.weights());
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
