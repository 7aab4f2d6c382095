package org.cassl.detection.fcos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cassl.detection.Detections;
import org.cassl.detection.FcosConfig;
import org.cassl.nn.LoadResult;
import org.cassl.nn.Weights;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.io.WeightFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole FCOS (ResNet-18, FPN 32 channels) saved by torch.save from PyTorch 1.13
 * (tools/golden/gen_pth.py), its conv weights strided views into a few shared storages: every
 * tensor matches PyTorch's checksums, and the model loaded from the .pth detects exactly what the
 * same weights loaded from safetensors detect, and what torchvision detected.
 */
class FcosTorchCheckpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path res(String name) throws Exception {
        return Path.of(FcosTorchCheckpointTest.class.getResource("/pth/" + name).toURI());
    }

    @Test
    void pthWeightsEqualPyTorchsAndDetectLikeSafetensors(@TempDir Path dir) throws Exception {
        JsonNode golden = JSON.readTree(res("fcos_r18.json").toFile());
        Path pth = res("fcos_r18.pth");

        // every tensor: shape, sums and sampled elements as PyTorch computed them from its views
        Map<String, Tensor> w = Weights.load(pth);
        JsonNode checks = golden.get("tensors");
        assertEquals(checks.size(), w.size());
        var names = checks.fieldNames();
        List<String> order = new ArrayList<>(w.keySet());
        int i = 0;
        while (names.hasNext()) {
            String name = names.next();
            assertEquals(name, order.get(i++), "file order");
            JsonNode c = checks.get(name);
            Tensor t = w.get(name);
            int[] shape = new int[c.get("shape").size()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = c.get("shape").get(d).asInt();
            }
            assertArrayEquals(shape, t.shape(), name);
            double[] v = t.toDoubleArray();
            double sum = 0;
            double abs = 0;
            for (double x : v) {
                sum += x;
                abs += Math.abs(x);
            }
            double tol = 1e-9 * Math.max(1, c.get("abs_sum").asDouble());
            assertEquals(c.get("sum").asDouble(), sum, tol, name + " sum");
            assertEquals(c.get("abs_sum").asDouble(), abs, tol, name + " abs sum");
            for (JsonNode s : c.get("samples")) {
                assertEquals(s.get(1).asDouble(), v[s.get(0).asInt()], 0.0, name + "[" + s.get(0).asInt() + "]");
            }
        }

        FcosConfig cfg = FcosConfig.parse(golden.get("config").toString());
        List<Tensor> images = new ArrayList<>();
        for (JsonNode im : golden.get("images")) {
            JsonNode rs = im.get(3);
            int[][] rects = new int[rs.size()][4];
            for (int r = 0; r < rects.length; r++) {
                for (int k = 0; k < 4; k++) {
                    rects[r][k] = rs.get(r).get(k).asInt();
                }
            }
            images.add(DeterministicWeights.image(im.get(0).asText(), im.get(1).asInt(), im.get(2).asInt(), rects));
        }

        Fcos fromPth = Fcos.forLoading(cfg);
        LoadResult lr = fromPth.loadWeights(pth);
        assertTrue(lr.missingKeys().isEmpty() && lr.unexpectedKeys().isEmpty(), lr.toString());
        Path st = dir.resolve("fcos_r18.safetensors");
        WeightFiles.convert(pth, st);
        Fcos fromSt = Fcos.forLoading(cfg);
        fromSt.loadWeights(st);
        fromPth.train(false);
        fromSt.train(false);
        List<Detections> a = fromPth.detect(images);
        List<Detections> b = fromSt.detect(images);
        for (int k = 0; k < images.size(); k++) {
            assertArrayEquals(b.get(k).boxes().toFloatArray(), a.get(k).boxes().toFloatArray(), "boxes " + k);
            assertArrayEquals(b.get(k).scores().toFloatArray(), a.get(k).scores().toFloatArray(), "scores " + k);
            assertArrayEquals(b.get(k).labels().toLongArray(), a.get(k).labels().toLongArray(), "labels " + k);
            // and torchvision's detections on the same weights: the same count, the best scores alike
            JsonNode tv = golden.get("detections").get(k);
            assertEquals(tv.get("scores").size(), a.get(k).size(), "detections " + k);
            float[] scores = a.get(k).scores().toFloatArray();
            for (int j = 0; j < Math.min(5, scores.length); j++) {
                assertEquals(tv.get("scores").get(j).asDouble(), scores[j], 1e-4, "score " + j + " of image " + k);
            }
        }
    }
}
