package org.cassl.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weights' side of {@link Winograd3x3}: each 3x3 kernel {@code g} becomes the 4x4
 * {@code G g G^T}, with {@code G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]]}, laid
 * out as the 16 packed left operands of the products.
 */
final class WinogradWeights {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private WinogradWeights() {
    }

    /**
     * {@code U[xi] = (G g G^T)[xi]} for every (output, input) channel pair, as 16 packed GEMM left
     * operands {@code [K, C]} in the calling thread's packed-weights buffer. The nine taps are
     * first scattered into nine planes in the packed order (scaled by {@code rowScale} there), so
     * the transform itself runs on whole vectors and writes the packed operands directly.
     */
    static Sgemm.PackedA[] transform(Parallel par, Winograd3x3.Shape s, float[] w, int wOff, boolean transposed,
                                            float[] rowScale) {
        int k = s.k();
        int c = s.c();
        int len = Sgemm.packedLength(k, c);
        // the calling thread's column buffer is free until the bands start
        float[] planes = Workspace.floats(9 * len);
        if (k % Sgemm.MR != 0) {
            java.util.Arrays.fill(planes, 0, 9 * len, 0f);
        }
        int depth = Sgemm.sliceDepth(c);
        par.forRange(k, Math.max(1, (1 << 14) / c), (o0, o1) -> {
            for (int o = o0; o < o1; o++) {
                float scale = rowScale == null ? 1f : rowScale[o];
                int dst = 0;
                for (int i = 0; i < c; i++) {
                    // within a k slice, the next input channel is MR floats further on
                    dst = i % depth == 0 ? Sgemm.packedIndex(k, c, o, i) : dst + Sgemm.MR;
                    int src = transposed ? wOff + (i * k + o) * 9 : wOff + (o * c + i) * 9;
                    for (int tap = 0; tap < 9; tap++) {
                        float v = w[transposed ? src + 8 - tap : src + tap];
                        planes[tap * len + dst] = rowScale == null ? v : v * scale;
                    }
                }
            }
        });
        float[] into = Workspace.packedWeights(Winograd3x3.XI * len);
        int chunk = F.length() * 256;
        par.forRange((len + chunk - 1) / chunk, 1, (c0, c1) ->
                transformPlanes(planes, into, len, c0 * chunk, Math.min(len, c1 * chunk)));
        Sgemm.PackedA[] packed = new Sgemm.PackedA[Winograd3x3.XI];
        for (int xi = 0; xi < Winograd3x3.XI; xi++) {
            packed[xi] = Sgemm.packed(k, c, into, xi * len);
        }
        return packed;
    }

    /**
     * {@code u[xi * n + j] = (G g_j G^T)[xi]} for {@code j} in {@code [j0, j1)}, where kernel
     * {@code g_j}'s tap {@code (a, b)} is {@code planes[(3a + b) * n + j]}.
     */
    private static void transformPlanes(float[] planes, float[] u, int n, int j0, int j1) {
        var half = FloatVector.broadcast(F, 0.5f);
        int j = j0;
        for (int bound = j0 + F.loopBound(j1 - j0); j < bound; j += F.length()) {
            // rows r of G g: r0 = g row 0, r1 = (g0 + g1 + g2) / 2, r2 = (g0 - g1 + g2) / 2, r3 = g row 2
            var a0 = FloatVector.fromArray(F, planes, j);
            var a1 = FloatVector.fromArray(F, planes, n + j);
            var a2 = FloatVector.fromArray(F, planes, 2 * n + j);
            var b0 = FloatVector.fromArray(F, planes, 3 * n + j);
            var b1 = FloatVector.fromArray(F, planes, 4 * n + j);
            var b2 = FloatVector.fromArray(F, planes, 5 * n + j);
            var c0 = FloatVector.fromArray(F, planes, 6 * n + j);
            var c1 = FloatVector.fromArray(F, planes, 7 * n + j);
            var c2 = FloatVector.fromArray(F, planes, 8 * n + j);
            storeRow(u, 0, n, j, 0, a0, a1, a2, half);
            storeRow(u, 0, n, j, 1, a0.add(b0).add(c0).mul(half), a1.add(b1).add(c1).mul(half),
                    a2.add(b2).add(c2).mul(half), half);
            storeRow(u, 0, n, j, 2, a0.sub(b0).add(c0).mul(half), a1.sub(b1).add(c1).mul(half),
                    a2.sub(b2).add(c2).mul(half), half);
            storeRow(u, 0, n, j, 3, c0, c1, c2, half);
        }
        float[] t = new float[12];
        for (; j < j1; j++) {
            for (int b = 0; b < 3; b++) {
                float g0 = planes[b * n + j];
                float g1 = planes[(3 + b) * n + j];
                float g2 = planes[(6 + b) * n + j];
                t[b] = g0;
                t[3 + b] = (g0 + g1 + g2) * 0.5f;
                t[6 + b] = (g0 - g1 + g2) * 0.5f;
                t[9 + b] = g2;
            }
            for (int r = 0; r < 4; r++) {
                float t0 = t[r * 3];
                float t1 = t[r * 3 + 1];
                float t2 = t[r * 3 + 2];
                u[(r * 4) * n + j] = t0;
                u[(r * 4 + 1) * n + j] = (t0 + t1 + t2) * 0.5f;
                u[(r * 4 + 2) * n + j] = (t0 - t1 + t2) * 0.5f;
                u[(r * 4 + 3) * n + j] = t2;
            }
        }
    }

    /** Row {@code r} of {@code U = t G^T} from row {@code r} of {@code t = G g}. */
    private static void storeRow(float[] b, int u, int n, int j, int r, FloatVector t0, FloatVector t1,
                                 FloatVector t2, FloatVector half) {
        t0.intoArray(b, u + (r * 4) * n + j);
        t0.add(t1).add(t2).mul(half).intoArray(b, u + (r * 4 + 1) * n + j);
        t0.sub(t1).add(t2).mul(half).intoArray(b, u + (r * 4 + 2) * n + j);
        t2.intoArray(b, u + (r * 4 + 3) * n + j);
    }
}
