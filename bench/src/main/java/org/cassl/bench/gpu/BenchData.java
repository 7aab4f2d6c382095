package org.cassl.bench.gpu;

/**
 * Deterministic benchmark inputs that the PyTorch peer (bench/gpu/torch_peer.py) regenerates
 * bit-for-bit: a 64-bit LCG (Knuth's MMIX constants) whose top 24 bits give uniform floats, so both
 * sides time the same boxes, scores and points without shipping data files.
 */
public final class BenchData {
    private long state;

    public BenchData(long seed) {
        this.state = seed;
    }

    /** Uniform in [0, 1) with 24 random bits (exact in float32). */
    public float next() {
        state = state * 6364136223846793005L + 1442695040888963407L;
        return (state >>> 40) / (float) (1 << 24);
    }

    /** {@code n} boxes (x1, y1, x2, y2) in a w x h image, sides between lo and hi. */
    public float[] boxes(int n, float w, float h, float lo, float hi) {
        float[] b = new float[4 * n];
        for (int i = 0; i < n; i++) {
            float bw = lo + (hi - lo) * next();
            float bh = lo + (hi - lo) * next();
            float x = next() * (w - bw);
            float y = next() * (h - bh);
            b[4 * i] = x;
            b[4 * i + 1] = y;
            b[4 * i + 2] = x + bw;
            b[4 * i + 3] = y + bh;
        }
        return b;
    }

    /** {@code n} uniform values. */
    public float[] uniform(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = next();
        }
        return v;
    }

    /**
     * FCOS points of one padded image (torchvision rules): rows of (x, y, size, lower, upper),
     * levels P3-P7.
     */
    public static float[][] fcosPoints(int paddedH, int paddedW) {
        int[] fh = new int[5];
        int[] fw = new int[5];
        fh[0] = (paddedH + 7) / 8;
        fw[0] = (paddedW + 7) / 8;
        int total = fh[0] * fw[0];
        for (int l = 1; l < 5; l++) {
            fh[l] = (fh[l - 1] + 1) / 2;
            fw[l] = (fw[l - 1] + 1) / 2;
            total += fh[l] * fw[l];
        }
        float[][] out = new float[5][];
        out[0] = new float[2 * total];
        for (int k = 1; k < 5; k++) {
            out[k] = new float[total];
        }
        int p = 0;
        for (int l = 0; l < 5; l++) {
            int sh = paddedH / fh[l];
            int sw = paddedW / fw[l];
            float size = 8 << l;
            for (int i = 0; i < fh[l]; i++) {
                for (int j = 0; j < fw[l]; j++) {
                    out[0][2 * p] = j * sw;
                    out[0][2 * p + 1] = i * sh;
                    out[1][p] = size;
                    out[2][p] = l == 0 ? 0 : 4 * size;
                    out[3][p] = l == 4 ? Float.POSITIVE_INFINITY : 8 * size;
                    p++;
                }
            }
        }
        return new float[][] {out[0], out[1], out[2], out[3]};
    }
}
