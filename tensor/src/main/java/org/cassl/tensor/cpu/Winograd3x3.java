package org.cassl.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float 3x3, stride-1 convolutions by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray,
 * "Fast Algorithms for Convolutional Neural Networks", 2016). Each 2x2 output tile is
 * <pre>
 *   Y = A^T [ (G g G^T) (.) (B^T d B) ] A
 * </pre>
 * for its 4x4 input tile {@code d} and 3x3 kernel {@code g}; summed over input channels, the
 * element-wise product becomes 16 GEMMs, one per point {@code xi} of the 4x4 transformed tile:
 * <pre>
 *   M[xi] [K, tiles] = U[xi] [K, C] x V[xi] [C, tiles]
 * </pre>
 * 16 multiply-adds per 4 outputs and channel pair instead of 36, and a transformed input of 4
 * values per input pixel instead of im2col's 9. The transforms only add and halve, so the result
 * differs from the direct sum by a few float roundings, not more.
 *
 * <p>Work is cut into bands of tile rows of one image, each transformed, multiplied (with the
 * transformed weights packed once per call) and transformed back by one thread while its buffers
 * are in cache. The input gradient of such a convolution is itself one: the output gradient
 * convolved with the weights transposed and rotated by 180 degrees, padded by {@code 2 - pad}, so
 * it needs no col2im.
 */
final class Winograd3x3 {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Points of a transformed tile. */
    static final int XI = 16;
    /**
     * Output planes (input planes for the input gradient) below this stay on im2col: the weights'
     * transform (about the cost of 800 multiply-adds per channel pair, every call) outweighs what
     * the tiles save. Measured at 256 channels: 20x20 ran 0.75-0.9x im2col's speed at batch 1 and
     * 0.86-1.09x at batch 2, 40x40 1.17-1.27x at batch 1. Per plane, not per batch, so an image's
     * result does not depend on the batch it came in.
     */
    static final int MIN_PLANE = 1024;
    /** Fewer channels than this on either side leave the GEMMs too thin to pay for the transforms. */
    static final int MIN_CHANNELS = 16;
    /** Tiles (GEMM columns) per band aimed at. */
    static volatile int bandTiles = 256;
    /** Switches the path off; read on every call, so benchmarks can compare with im2col in one JVM. */
    static final String PROPERTY = "cassl.winograd";

    private Winograd3x3() {
    }

    /** Whether {@link CpuConv}'s forward pass of {@code g} runs here. */
    static boolean applies(ConvGeometry g, boolean f32) {
        var p = g.p();
        return !"false".equals(System.getProperty(PROPERTY)) && f32 && Sgemm.VECTOR && g.groups() == 1 && g.kh() == 3
                && g.kw() == 3 && p.strideH() == 1
                && p.strideW() == 1 && p.dilationH() == 1 && p.dilationW() == 1 && g.cg() >= MIN_CHANNELS
                && g.kg() >= MIN_CHANNELS && g.outPlane() >= MIN_PLANE;
    }

    /** Whether the input gradient of {@code g} runs here (as a convolution padded by {@code 2 - pad}). */
    static boolean appliesToInputGradient(ConvGeometry g, boolean f32) {
        return applies(g, f32) && g.p().padH() <= 2 && g.p().padW() <= 2 && g.inPlane() >= MIN_PLANE;
    }

    /**
     * One convolution's sizes as this class runs it.
     *
     * @param n images
     * @param c input channels
     * @param h input height
     * @param w input width
     * @param k output channels
     * @param oh output height ({@code h + 2 padH - 2})
     * @param ow output width
     * @param padH rows of zeros above and below
     * @param padW columns of zeros left and right
     */
    record Shape(int n, int c, int h, int w, int k, int oh, int ow, int padH, int padW) {
        int tilesH() {
            return (oh + 1) / 2;
        }

        int tilesW() {
            return (ow + 1) / 2;
        }

        /** The forward pass of {@code g}. */
        static Shape forward(ConvGeometry g) {
            return new Shape(g.n(), g.cg(), g.h(), g.w(), g.kg(), g.oh(), g.ow(), g.p().padH(), g.p().padW());
        }

        /** The input gradient of {@code g}: output gradient in, input gradient out. */
        static Shape inputGradient(ConvGeometry g) {
            return new Shape(g.n(), g.kg(), g.oh(), g.ow(), g.cg(), g.h(), g.w(), 2 - g.p().padH(), 2 - g.p().padW());
        }
    }

    /**
     * {@code out[n][k] = bias[k] + sum_c x[n][c] * g(k, c)} over the images, then {@code epilogue}
     * when not null. {@code g(k, c)} is {@code w[k][c]} times {@code rowScale[k]} (when not null),
     * or with {@code transposed} {@code w[c][k]} rotated by 180 degrees. Arrays are dense NCHW from
     * their offsets; the output is overwritten.
     */
    static void convolve(CpuConv conv, Parallel par, Shape s, float[] x, int xOff, float[] w, int wOff,
                         boolean transposed, float[] rowScale, double[] bias, ConvEpilogue epilogue, float[] out,
                         int oOff) {
        Sgemm.PackedA[] u = WinogradWeights.transform(par, s, w, wOff, transposed, rowScale);
        float[] b = null;
        if (bias != null) {
            b = new float[s.k()];
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) bias[i];
            }
        }
        float[] fb = b;
        int th = s.tilesH();
        int tw = s.tilesW();
        int rows = bandRows(s, par.threads());
        int bands = (th + rows - 1) / rows;
        long fmas = (long) s.n() * s.k() * s.c() * 9 * s.oh() * s.ow();
        conv.forItems(s.n() * bands, fmas, item -> {
            int img = item / bands;
            int ty0 = (item % bands) * rows;
            int ty1 = Math.min(th, ty0 + rows);
            int tiles = (ty1 - ty0) * tw;
            int wp = 2 * tw + 2;
            int vLen = XI * s.c() * tiles;
            int mLen = XI * s.k() * tiles;
            float[] buf = Workspace.winograd(vLen + mLen + 8 * wp + 2 * (tw + 1) + 4 * tw);
            int xImg = xOff + img * s.c() * s.h() * s.w();
            int oImg = oOff + img * s.k() * s.oh() * s.ow();
            transformInput(s, x, xImg, ty0, ty1, buf, 0, vLen + mLen);
            for (int xi = 0; xi < XI; xi++) {
                Sgemm.gemmPacked(u[xi], tiles, buf, xi * s.c() * tiles, tiles, 1, 0f, buf, vLen + xi * s.k() * tiles,
                        tiles);
            }
            transformOutput(s, buf, vLen, ty0, ty1, fb, out, oImg, buf, vLen + mLen);
            if (epilogue != null) {
                int oy0 = 2 * ty0;
                int oy1 = Math.min(s.oh(), 2 * ty1);
                epilogue.apply(out, oImg + oy0 * s.ow(), 0, s.k(), (oy1 - oy0) * s.ow(), s.oh() * s.ow());
            }
        });
    }

    /** Tile rows per band: about {@link #bandTiles} tiles, and enough bands to keep every thread busy. */
    private static int bandRows(Shape s, int threads) {
        int th = s.tilesH();
        int rows = Math.max(1, Math.min(th, bandTiles / s.tilesW()));
        int wanted = (3 * threads + s.n() - 1) / s.n();
        rows = Math.max(1, Math.min(rows, (th + wanted - 1) / wanted));
        int bands = (th + rows - 1) / rows;
        return (th + bands - 1) / bands;
    }

    /**
     * {@code V[xi][c][tile] = (B^T d B)[xi]} for the tiles of tile rows {@code ty0..ty1}, into
     * {@code v} from 0; {@code tmp} from {@code tOff} holds eight padded rows and the even and odd
     * halves of one.
     */
    private static void transformInput(Shape s, float[] x, int xImg, int ty0, int ty1, float[] v, int vOff, int tOff) {
        int tw = s.tilesW();
        int wp = 2 * tw + 2;
        int tiles = (ty1 - ty0) * tw;
        int stride = s.c() * tiles;
        int d0 = tOff;
        int t0 = tOff + 4 * wp;
        int ev = tOff + 8 * wp;
        int od = ev + tw + 1;
        float[] buf = v;
        // columns of a padded row: input column j - padW, zero outside the image
        int lo = Math.min(wp, s.padW());
        int hi = Math.max(lo, Math.min(wp, s.w() + s.padW()));
        for (int c = 0; c < s.c(); c++) {
            int plane = xImg + c * s.h() * s.w();
            for (int ty = ty0; ty < ty1; ty++) {
                for (int a = 0; a < 4; a++) {
                    int r = 2 * ty - s.padH() + a;
                    int d = d0 + a * wp;
                    if (r < 0 || r >= s.h()) {
                        java.util.Arrays.fill(buf, d, d + wp, 0f);
                    } else {
                        java.util.Arrays.fill(buf, d, d + lo, 0f);
                        System.arraycopy(x, plane + r * s.w() + lo - s.padW(), buf, d + lo, hi - lo);
                        java.util.Arrays.fill(buf, d + hi, d + wp, 0f);
                    }
                }
                // rows of B^T d
                combineRows(buf, d0, wp, t0);
                int col = vOff + c * tiles + (ty - ty0) * tw;
                for (int i = 0; i < 4; i++) {
                    int t = t0 + i * wp;
                    for (int q = 0; q <= tw; q++) {
                        buf[ev + q] = buf[t + 2 * q];
                        buf[od + q] = buf[t + 2 * q + 1];
                    }
                    // columns of (B^T d) B: tile tx reads columns 2tx .. 2tx+3
                    combineColumns(buf, ev, od, tw, buf, col + 4 * i * stride, stride);
                }
            }
        }
    }

    /** {@code t0 = d0 - d2, t1 = d1 + d2, t2 = d2 - d1, t3 = d1 - d3} over rows of {@code wp}. */
    private static void combineRows(float[] b, int d, int wp, int t) {
        int j = 0;
        for (int bound = F.loopBound(wp); j < bound; j += F.length()) {
            var r0 = FloatVector.fromArray(F, b, d + j);
            var r1 = FloatVector.fromArray(F, b, d + wp + j);
            var r2 = FloatVector.fromArray(F, b, d + 2 * wp + j);
            var r3 = FloatVector.fromArray(F, b, d + 3 * wp + j);
            r0.sub(r2).intoArray(b, t + j);
            r1.add(r2).intoArray(b, t + wp + j);
            r2.sub(r1).intoArray(b, t + 2 * wp + j);
            r1.sub(r3).intoArray(b, t + 3 * wp + j);
        }
        for (; j < wp; j++) {
            float r0 = b[d + j];
            float r1 = b[d + wp + j];
            float r2 = b[d + 2 * wp + j];
            float r3 = b[d + 3 * wp + j];
            b[t + j] = r0 - r2;
            b[t + wp + j] = r1 + r2;
            b[t + 2 * wp + j] = r2 - r1;
            b[t + 3 * wp + j] = r1 - r3;
        }
    }

    /**
     * With {@code e[q]} and {@code o[q]} a row's even and odd columns: the four transformed points
     * {@code e[tx] - e[tx+1], o[tx] + e[tx+1], e[tx+1] - o[tx], o[tx] - o[tx+1]} of each tile,
     * written {@code stride} apart from {@code dst}.
     */
    private static void combineColumns(float[] b, int e, int o, int tw, float[] v, int dst, int stride) {
        int tx = 0;
        for (int bound = F.loopBound(tw); tx < bound; tx += F.length()) {
            var e0 = FloatVector.fromArray(F, b, e + tx);
            var e1 = FloatVector.fromArray(F, b, e + tx + 1);
            var o0 = FloatVector.fromArray(F, b, o + tx);
            var o1 = FloatVector.fromArray(F, b, o + tx + 1);
            e0.sub(e1).intoArray(v, dst + tx);
            o0.add(e1).intoArray(v, dst + stride + tx);
            e1.sub(o0).intoArray(v, dst + 2 * stride + tx);
            o0.sub(o1).intoArray(v, dst + 3 * stride + tx);
        }
        for (; tx < tw; tx++) {
            float e0 = b[e + tx];
            float e1 = b[e + tx + 1];
            float o0 = b[o + tx];
            float o1 = b[o + tx + 1];
            v[dst + tx] = e0 - e1;
            v[dst + stride + tx] = o0 + e1;
            v[dst + 2 * stride + tx] = e1 - o0;
            v[dst + 3 * stride + tx] = o0 - o1;
        }
    }

    /**
     * {@code Y = A^T M A} for every output channel and tile of the band, plus the channel's bias,
     * written to the output rows; {@code tmp} from {@code tOff} holds four rows of {@code tw}.
     */
    private static void transformOutput(Shape s, float[] m, int mOff, int ty0, int ty1, float[] bias, float[] out,
                                        int oImg, float[] tmp, int tOff) {
        int tw = s.tilesW();
        int tiles = (ty1 - ty0) * tw;
        int stride = s.k() * tiles;
        int ow = s.ow();
        boolean oddW = (ow & 1) != 0;
        for (int k = 0; k < s.k(); k++) {
            float b = bias == null ? 0f : bias[k];
            int plane = oImg + k * s.oh() * ow;
            for (int ty = ty0; ty < ty1; ty++) {
                int src = mOff + k * tiles + (ty - ty0) * tw;
                outputRow(m, src, stride, tw, tmp, tOff);
                int oy = 2 * ty;
                int row0 = plane + oy * ow;
                int full = oddW ? tw - 1 : tw;
                for (int tx = 0; tx < full; tx++) {
                    out[row0 + 2 * tx] = tmp[tOff + tx] + b;
                    out[row0 + 2 * tx + 1] = tmp[tOff + tw + tx] + b;
                }
                if (oddW) {
                    out[row0 + 2 * full] = tmp[tOff + full] + b;
                }
                if (oy + 1 < s.oh()) {
                    int row1 = row0 + ow;
                    for (int tx = 0; tx < full; tx++) {
                        out[row1 + 2 * tx] = tmp[tOff + 2 * tw + tx] + b;
                        out[row1 + 2 * tx + 1] = tmp[tOff + 3 * tw + tx] + b;
                    }
                    if (oddW) {
                        out[row1 + 2 * full] = tmp[tOff + 2 * tw + full] + b;
                    }
                }
            }
        }
    }

    /**
     * One tile row's outputs: {@code y00, y01, y10, y11} of tiles {@code 0..tw} into four rows of
     * {@code tmp}; point {@code xi} of tile {@code tx} is {@code m[src + xi*stride + tx]}.
     */
    private static void outputRow(float[] m, int src, int stride, int tw, float[] tmp, int t) {
        int tx = 0;
        for (int bound = F.loopBound(tw); tx < bound; tx += F.length()) {
            int p = src + tx;
            // rows of A^T M: s = M0 + M1 + M2, d = M1 - M2 - M3 (M_r: points 4r .. 4r+3)
            var s0 = v(m, p, 0, stride).add(v(m, p, 4, stride)).add(v(m, p, 8, stride));
            var s1 = v(m, p, 1, stride).add(v(m, p, 5, stride)).add(v(m, p, 9, stride));
            var s2 = v(m, p, 2, stride).add(v(m, p, 6, stride)).add(v(m, p, 10, stride));
            var s3 = v(m, p, 3, stride).add(v(m, p, 7, stride)).add(v(m, p, 11, stride));
            var d0 = v(m, p, 4, stride).sub(v(m, p, 8, stride)).sub(v(m, p, 12, stride));
            var d1 = v(m, p, 5, stride).sub(v(m, p, 9, stride)).sub(v(m, p, 13, stride));
            var d2 = v(m, p, 6, stride).sub(v(m, p, 10, stride)).sub(v(m, p, 14, stride));
            var d3 = v(m, p, 7, stride).sub(v(m, p, 11, stride)).sub(v(m, p, 15, stride));
            s0.add(s1).add(s2).intoArray(tmp, t + tx);
            s1.sub(s2).sub(s3).intoArray(tmp, t + tw + tx);
            d0.add(d1).add(d2).intoArray(tmp, t + 2 * tw + tx);
            d1.sub(d2).sub(d3).intoArray(tmp, t + 3 * tw + tx);
        }
        for (; tx < tw; tx++) {
            int p = src + tx;
            float s0 = m[p] + m[p + 4 * stride] + m[p + 8 * stride];
            float s1 = m[p + stride] + m[p + 5 * stride] + m[p + 9 * stride];
            float s2 = m[p + 2 * stride] + m[p + 6 * stride] + m[p + 10 * stride];
            float s3 = m[p + 3 * stride] + m[p + 7 * stride] + m[p + 11 * stride];
            float d0 = m[p + 4 * stride] - m[p + 8 * stride] - m[p + 12 * stride];
            float d1 = m[p + 5 * stride] - m[p + 9 * stride] - m[p + 13 * stride];
            float d2 = m[p + 6 * stride] - m[p + 10 * stride] - m[p + 14 * stride];
            float d3 = m[p + 7 * stride] - m[p + 11 * stride] - m[p + 15 * stride];
            tmp[t + tx] = s0 + s1 + s2;
            tmp[t + tw + tx] = s1 - s2 - s3;
            tmp[t + 2 * tw + tx] = d0 + d1 + d2;
            tmp[t + 3 * tw + tx] = d1 - d2 - d3;
        }
    }

    private static FloatVector v(float[] m, int p, int xi, int stride) {
        return FloatVector.fromArray(F, m, p + xi * stride);
    }
}
