package org.cassl.detection.fcos;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import org.cassl.nn.Module;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;

/**
 * The weights of {@code tools/golden/gen_fcos.py}'s model: every float tensor of the state dict is
 * {@code offset + scale * u} with u in [-1, 1) a hash of (CRC-32 of its name, element index), and
 * offset/scale chosen by the kind of tensor. Exact in float32, so Java and PyTorch hold the same
 * bits without shipping the weights.
 */
final class DeterministicWeights {
    private DeterministicWeights() {
    }

    /** {@code n} values in [-1, 1), each {@code m / 2^23 - 1} for a 24-bit hash m. */
    static float[] uniform(String name, int n) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        long seed = crc.getValue();
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            long h = (k * 2654435761L + seed) & 0xFFFFFFFFL;
            h ^= h >>> 16;
            h = (h * 0x45D9F3BL) & 0xFFFFFFFFL;
            h ^= h >>> 16;
            float u = (float) (h >>> 8) / 16777216f;
            v[k] = u * 2f - 1f;
        }
        return v;
    }

    /** {offset, scale} for a state-dict entry, the generator's {@code affine_for}. */
    static float[] affine(String name, int[] shape) {
        if (name.endsWith("running_var")) {
            return new float[] {1.125f, 0.125f};
        }
        if (name.endsWith("running_mean")) {
            return new float[] {0f, 0.1f};
        }
        if (shape.length == 4) {
            int fanIn = shape[1] * shape[2] * shape[3];
            return new float[] {0f, (float) Math.sqrt(3.0 / fanIn)};
        }
        if (name.endsWith("cls_logits.bias")) {
            return new float[] {-2f, 0.5f};
        }
        if (name.endsWith("bbox_reg.bias")) {
            return new float[] {1f, 0.5f};
        }
        String[] parts = name.split("\\.");
        String owner = parts.length >= 2 ? parts[parts.length - 2] : "";
        boolean headNorm = name.contains(".conv.") && !owner.equals("0") && !owner.equals("3") && !owner.equals("6")
                && !owner.equals("9");
        boolean norm = name.contains(".bn") || name.contains("downsample.1") || headNorm;
        if (norm && name.endsWith("weight")) {
            return new float[] {1f, 0.1f};
        }
        if (norm && name.endsWith("bias")) {
            return new float[] {0f, 0.1f};
        }
        if (name.endsWith("bias")) {
            return new float[] {0f, 0.05f};
        }
        throw new IllegalArgumentException("no deterministic rule for " + name);
    }

    /** Overwrites every float parameter and buffer of {@code m} (keys as in its state dict). */
    static void fill(Module m) {
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            Tensor t = e.getValue();
            if (t.dtype() != DType.F32) {
                continue;
            }
            float[] ab = affine(e.getKey(), t.shape());
            float[] v = uniform(e.getKey(), t.numel());
            for (int i = 0; i < v.length; i++) {
                v[i] = v[i] * ab[1] + ab[0];
            }
            t.copyFrom(Tensor.of(v, t.shape()));
        }
    }

    /** Converts every float parameter and buffer of {@code m} to float64, like {@code model.double()}. */
    static void toDouble(Module m) {
        for (org.cassl.nn.Parameter p : m.namedParameters().values()) {
            p.replace(p.data().to(DType.F64));
        }
        for (org.cassl.nn.Buffer b : m.namedBuffers().values()) {
            if (b.tensor().dtype() == DType.F32) {
                b.set(b.tensor().to(DType.F64));
            }
        }
    }

    /** The generator's {@code det_image}: {@code 0.5 * u} noise in [0, 0.5), +0.5 inside the rectangles (x0, y0, x1, y1). */
    static Tensor image(String name, int h, int w, int[][] rects) {
        float[] v = uniform(name, 3 * h * w);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = (c * h + y) * w + x;
                    float u = (v[i] + 1f) * 0.5f;
                    float val = u * 0.5f;
                    for (int[] r : rects) {
                        if (x >= r[0] && x < r[2] && y >= r[1] && y < r[3]) {
                            val += 0.5f;
                        }
                    }
                    v[i] = val;
                }
            }
        }
        return Tensor.of(v, 3, h, w);
    }
}
