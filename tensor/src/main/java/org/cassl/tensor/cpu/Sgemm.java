package org.cassl.tensor.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * Packed, cache-blocked float GEMM with the loop structure of BLIS: for each {@code NC}-wide
 * column block and {@code KC}-deep slice, B is packed into {@code NR}-wide panels (kept in L3/L2),
 * then each {@code MC}-high row block of A is packed into {@code MR}-high panels (kept in L2) and
 * every {@code MR x NR} tile of C is computed by the register-blocked micro-kernel, which streams
 * one B panel from L1. Operands are addressed by (row stride, column stride), so transposed and
 * broadcast views are packed directly without a copy.
 *
 * <p>Threads split C into rectangular blocks (aligned to the tile); each thread packs its own
 * operands into thread-local buffers, so no synchronisation is needed inside a product.
 */
final class Sgemm {
    /** 16-lane vectors: the 8x32 kernel; 8 lanes: the 6x16 kernel; narrower: scalar code. */
    static final boolean WIDE = FloatVector.SPECIES_PREFERRED.length() >= 16;
    static final boolean VECTOR = FloatVector.SPECIES_PREFERRED.length() >= 8;
    static final int MR = WIDE ? SgemmKernel512.MR : SgemmKernel256.MR;
    static final int NR = WIDE ? SgemmKernel512.NR : SgemmKernel256.NR;
    /** Depth of a packed slice: one B panel (KC x NR floats, 32 KB) fits the 48 KB L1. */
    static final int KC = 256;
    /** Rows of a packed A block (MC x KC floats, 192 KB), well inside a 1 MB L2. */
    static final int MC = 24 * MR;
    /** Columns of a packed B block (KC x NC floats, 4 MB). */
    static final int NC = 128 * NR;
    /** Below this many multiply-adds a product runs on the calling thread. */
    private static final long MIN_PARALLEL_FMAS = 1L << 20;
    /** Floats of A per thread below which {@link #packAll} does not split. */
    private static final int PACK_GRAIN = 1 << 16;

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /** Per-thread packing buffers, grown on demand. */
    private static final class Buffers {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];

        float[] a(int n) {
            if (a.length < n) {
                a = new float[n];
            }
            return a;
        }

        float[] b(int n) {
            if (b.length < n) {
                b = new float[n];
            }
            return b;
        }
    }

    /** Operands of one product; A(i,p) = a[aOff + i*ars + p*acs], B(p,j) = b[bOff + p*brs + j*bcs]. */
    record Problem(int m, int n, int k, float alpha, float[] a, int aOff, int ars, int acs, float[] b, int bOff,
                   int brs, int bcs, float beta, float[] c, int cOff, int ldc) {
    }

    private Sgemm() {
    }

    /** {@code C = alpha * A * B + beta * C} using up to all of {@code par}'s threads. */
    static void gemm(Parallel par, Problem q) {
        if (q.m() == 0 || q.n() == 0) {
            return;
        }
        if (q.k() == 0 || q.alpha() == 0) {
            scaleC(q, 0, q.m(), 0, q.n());
            return;
        }
        int tilesM = (q.m() + MR - 1) / MR;
        int tilesN = (q.n() + NR - 1) / NR;
        long fmas = (long) q.m() * q.n() * q.k();
        int parts = (int) Math.max(1, Math.min(par.threads(), fmas / MIN_PARALLEL_FMAS));
        parts = Math.min(parts, tilesM * tilesN);
        int[] grid = grid(parts, q.m(), q.n(), tilesM, tilesN);
        int pm = grid[0];
        int pn = grid[1];
        par.forRange(pm * pn, 1, (s, e) -> {
            for (int part = s; part < e; part++) {
                int bi = part / pn;
                int bj = part % pn;
                int m0 = Math.min(q.m(), (int) ((long) tilesM * bi / pm) * MR);
                int m1 = Math.min(q.m(), (int) ((long) tilesM * (bi + 1) / pm) * MR);
                int n0 = Math.min(q.n(), (int) ((long) tilesN * bj / pn) * NR);
                int n1 = Math.min(q.n(), (int) ((long) tilesN * (bj + 1) / pn) * NR);
                if (m0 < m1 && n0 < n1) {
                    block(q, m0, m1, n0, n1);
                }
            }
        });
    }

    /**
     * Splits {@code parts} blocks into a pm x pn grid whose blocks are as square as possible, so
     * each thread packs as little as possible.
     */
    static int[] grid(int parts, int m, int n, int tilesM, int tilesN) {
        int bestM = 1;
        int bestN = 1;
        double best = Double.MAX_VALUE;
        for (int p = parts; p >= 1; p--) {
            for (int pm = 1; pm <= p; pm++) {
                if (p % pm != 0) {
                    continue;
                }
                int pn = p / pm;
                if (pm > tilesM || pn > tilesN) {
                    continue;
                }
                double score = Math.abs(Math.log(((double) m / pm) / ((double) n / pn)));
                if (score < best) {
                    best = score;
                    bestM = pm;
                    bestN = pn;
                }
            }
            if (best < Double.MAX_VALUE) {
                break;
            }
        }
        return new int[] {bestM, bestN};
    }

    /** The full product restricted to C[m0:m1, n0:n1], on the calling thread. */
    private static void block(Problem q, int m0, int m1, int n0, int n1) {
        Buffers buf = BUFFERS.get();
        int k = q.k();
        int kSlices = (k + KC - 1) / KC;
        int kcMax = (k + kSlices - 1) / kSlices;
        int mBlocks = (m1 - m0 + MC - 1) / MC;
        int mcMax = roundUp((m1 - m0 + mBlocks - 1) / mBlocks, MR);
        int nBlocks = (n1 - n0 + NC - 1) / NC;
        int ncMax = roundUp((n1 - n0 + nBlocks - 1) / nBlocks, NR);
        float[] ap = buf.a(mcMax * kcMax);
        float[] bp = buf.b(ncMax * kcMax);
        // the kernels only store (first slice, beta == 0) or add: a general beta scales C up front
        boolean overwrite = q.beta() == 0;
        if (!overwrite && q.beta() != 1) {
            scaleC(q, m0, m1, n0, n1);
        }
        for (int jc = n0; jc < n1; jc += ncMax) {
            int nc = Math.min(ncMax, n1 - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                packB(q.b(), q.bOff() + pc * q.brs() + jc * q.bcs(), q.brs(), q.bcs(), kc, nc, bp);
                for (int ic = m0; ic < m1; ic += mcMax) {
                    int mc = Math.min(mcMax, m1 - ic);
                    packA(q.a(), q.aOff() + ic * q.ars() + pc * q.acs(), q.ars(), q.acs(), mc, kc, q.alpha(), ap, 0);
                    macro(mc, nc, kc, overwrite && pc == 0, ap, 0, bp, q.c(), q.cOff() + ic * q.ldc() + jc, q.ldc(),
                            buf.tile);
                }
            }
        }
    }

    /**
     * A left operand packed once for many products that share it (a convolution's weights against
     * every image and row band): per k slice, all MR-row panels of A, each {@code kc x MR}. Packing
     * the weights again for every small band cost as much as the multiplication itself.
     */
    static final class PackedA {
        final int m;
        final int k;
        final int kcMax;
        final int panels;
        final float[] data;
        /** Where this operand starts in {@link #data} (several can share one array). */
        final int base;

        private PackedA(int m, int k, int kcMax, float[] data, int base) {
            this.m = m;
            this.k = k;
            this.kcMax = kcMax;
            this.panels = (m + MR - 1) / MR;
            this.data = data;
            this.base = base;
        }

        /** Start of slice {@code pc}'s panels (every earlier slice is {@code kcMax} deep). */
        int sliceOffset(int pc) {
            return base + pc * panels * MR;
        }
    }

    /** Packs {@code alpha * A} (A(i,p) = a[aOff + i*ars + p*acs], m x k) for {@link #gemmPacked}. */
    static PackedA packAll(float[] a, int aOff, int ars, int acs, int m, int k, float alpha) {
        return packAll(CpuGemm.SERIAL, a, aOff, ars, acs, m, k, alpha, null, 0, null);
    }

    /**
     * A left operand already laid out as {@link #packAll} lays it out, from {@code base} in
     * {@code data} (see {@link #packedIndex}).
     */
    static PackedA packed(int m, int k, float[] data, int base) {
        return new PackedA(m, k, sliceDepth(k), data, base);
    }

    /** Depth of every k slice but the last of a packed operand with {@code k} columns. */
    static int sliceDepth(int k) {
        int kSlices = Math.max(1, (k + KC - 1) / KC);
        return (k + kSlices - 1) / kSlices;
    }

    /** Where {@link #packAll} puts A(i, p) of an m x k operand, relative to the operand's start. */
    static int packedIndex(int m, int k, int i, int p) {
        int kcMax = sliceDepth(k);
        int pc = p / kcMax * kcMax;
        int kc = Math.min(kcMax, k - pc);
        int panels = (m + MR - 1) / MR;
        return pc * panels * MR + i / MR * MR * kc + (p - pc) * MR + i % MR;
    }

    /** Floats a {@link #packAll} of an m x k operand fills. */
    static int packedLength(int m, int k) {
        return (m + MR - 1) / MR * MR * Math.max(k, 1);
    }

    /**
     * {@link #packAll(float[], int, int, int, int, int, float)} with the row panels shared out over
     * {@code par}'s threads: a convolution packs its weights (megabytes for 256 channels) before its
     * first band, so a serial pack leaves the other cores idle. Packs into {@code into} when it
     * holds at least {@link #packedLength} floats (every one of which is written), else into a new array.
     * With {@code rowScale}, row {@code i} of A is also multiplied by {@code rowScale[scaleOff + i]}
     * (a batch norm folded into a convolution's weights, rounded as {@code w * scale} in float).
     */
    static PackedA packAll(Parallel par, float[] a, int aOff, int ars, int acs, int m, int k, float alpha,
                           float[] rowScale, int scaleOff, float[] into) {
        int need = packedLength(m, k);
        return packAll(par, a, aOff, ars, acs, m, k, alpha, rowScale, scaleOff,
                into != null && into.length >= need ? into : new float[need], 0);
    }

    /**
     * {@link #packAll(Parallel, float[], int, int, int, int, int, float, float[], int, float[])} into
     * {@code into} from {@code intoOff}, which must leave room for {@link #packedLength} floats.
     */
    static PackedA packAll(Parallel par, float[] a, int aOff, int ars, int acs, int m, int k, float alpha,
                           float[] rowScale, int scaleOff, float[] into, int intoOff) {
        int kcMax = sliceDepth(k);
        int panels = (m + MR - 1) / MR;
        float[] data = into;
        // at least PACK_GRAIN floats per chunk, so small weights stay on the calling thread
        int grain = Math.max(1, PACK_GRAIN / (MR * Math.max(k, 1)));
        par.forRange(panels, grain, (s, e) -> {
            int r0 = s * MR;
            int rows = Math.min(m, e * MR) - r0;
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                // within a slice, the panel of rows r0.. starts r0*kc after the slice's start
                int dst = intoOff + pc * panels * MR + r0 * kc;
                packA(a, aOff + r0 * ars + pc * acs, ars, acs, rows, kc, alpha, data, dst);
                if (rowScale != null) {
                    scaleRows(data, dst, rows, kc, rowScale, scaleOff + r0);
                }
            }
        });
        return new PackedA(m, k, kcMax, data, intoOff);
    }

    /** Multiplies packed row {@code i} ({@code rows} rows from a panel start, {@code [kc][MR]} panels) by {@code scale[s0 + i]}. */
    private static void scaleRows(float[] ap, int apOff, int rows, int kc, float[] scale, int s0) {
        for (int i0 = 0; i0 < rows; i0 += MR) {
            int n = Math.min(MR, rows - i0);
            int dst = apOff + i0 * kc;
            for (int p = 0; p < kc; p++) {
                int d = dst + p * MR;
                for (int r = 0; r < n; r++) {
                    ap[d + r] *= scale[s0 + i0 + r];
                }
            }
        }
    }

    /**
     * {@code C[m x n] = A * B + beta * C} on the calling thread with a pre-packed A; B(p,j) =
     * b[bOff + p*brs + j*bcs].
     */
    static void gemmPacked(PackedA pa, int n, float[] b, int bOff, int brs, int bcs, float beta, float[] c, int cOff,
                           int ldc) {
        int m = pa.m;
        int k = pa.k;
        if (m == 0 || n == 0) {
            return;
        }
        Problem q = new Problem(m, n, k, 1f, null, 0, 0, 0, b, bOff, brs, bcs, beta, c, cOff, ldc);
        if (k == 0) {
            scaleC(q, 0, m, 0, n);
            return;
        }
        Buffers buf = BUFFERS.get();
        int nBlocks = (n + NC - 1) / NC;
        int ncMax = roundUp((n + nBlocks - 1) / nBlocks, NR);
        float[] bp = buf.b(ncMax * pa.kcMax);
        boolean overwrite = beta == 0;
        if (!overwrite && beta != 1) {
            scaleC(q, 0, m, 0, n);
        }
        for (int jc = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += pa.kcMax) {
                int kc = Math.min(pa.kcMax, k - pc);
                packB(b, bOff + pc * brs + jc * bcs, brs, bcs, kc, nc, bp);
                macro(m, nc, kc, overwrite && pc == 0, pa.data, pa.sliceOffset(pc), bp, c, cOff + jc, ldc, buf.tile);
            }
        }
    }

    private static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }

    /** All tiles of one packed A block times one packed B block, stored into or added to C. */
    private static void macro(int mc, int nc, int kc, boolean store, float[] ap, int apOff, float[] bp, float[] c, int co,
                              int ldc, float[] tile) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bo = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int ao = apOff + ir * kc;
                int cTile = co + ir * ldc + jr;
                if (mr == MR && nr == NR) {
                    if (store) {
                        kernelStore(kc, ap, ao, bp, bo, c, cTile, ldc);
                    } else {
                        kernelAdd(kc, ap, ao, bp, bo, c, cTile, ldc);
                    }
                } else {
                    // partial tile: compute the padded tile aside, then merge the valid part
                    kernelStore(kc, ap, ao, bp, bo, tile, 0, NR);
                    for (int i = 0; i < mr; i++) {
                        int row = cTile + i * ldc;
                        for (int j = 0; j < nr; j++) {
                            c[row + j] = store ? tile[i * NR + j] : c[row + j] + tile[i * NR + j];
                        }
                    }
                }
            }
        }
    }

    private static void kernelStore(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc) {
        if (WIDE) {
            SgemmKernel512.store(kc, ap, ao, bp, bo, c, co, ldc);
        } else {
            SgemmKernel256.store(kc, ap, ao, bp, bo, c, co, ldc);
        }
    }

    private static void kernelAdd(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc) {
        if (WIDE) {
            SgemmKernel512.add(kc, ap, ao, bp, bo, c, co, ldc);
        } else {
            SgemmKernel256.add(kc, ap, ao, bp, bo, c, co, ldc);
        }
    }

    /**
     * Packs {@code alpha * A[0:mc, 0:kc]} (from {@code base}) into MR-row panels laid out
     * {@code [kc][MR]}, zero-padding the last panel.
     */
    static void packA(float[] a, int base, int rs, int cs, int mc, int kc, float alpha, float[] ap, int apOff) {
        for (int i0 = 0; i0 < mc; i0 += MR) {
            int rows = Math.min(MR, mc - i0);
            int dst = apOff + i0 * kc;
            if (cs == 1) {
                // rows are contiguous along k: read each row sequentially
                for (int r = 0; r < rows; r++) {
                    int src = base + (i0 + r) * rs;
                    for (int p = 0; p < kc; p++) {
                        ap[dst + p * MR + r] = a[src + p];
                    }
                }
            } else if (rs == 1 && rows == MR) {
                // transposed A (a convolution's W^T): each k step is MR adjacent values, one block copy
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(a, base + i0 + p * cs, ap, dst + p * MR, MR);
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = base + i0 * rs + p * cs;
                    int d = dst + p * MR;
                    for (int r = 0; r < rows; r++) {
                        ap[d + r] = a[src + r * rs];
                    }
                }
            }
            if (rows < MR) {
                for (int p = 0; p < kc; p++) {
                    for (int r = rows; r < MR; r++) {
                        ap[dst + p * MR + r] = 0f;
                    }
                }
            }
        }
        if (alpha != 1f) {
            int n = ((mc + MR - 1) / MR) * MR * kc;
            for (int i = apOff; i < apOff + n; i++) {
                ap[i] *= alpha;
            }
        }
    }

    /**
     * Packs B[0:kc, 0:nc] (from {@code base}) into NR-column panels laid out {@code [kc][NR]},
     * zero-padding the last panel.
     */
    static void packB(float[] b, int base, int rs, int cs, int kc, int nc, float[] bp) {
        for (int j0 = 0; j0 < nc; j0 += NR) {
            int cols = Math.min(NR, nc - j0);
            int dst = j0 * kc;
            if (cs == 1 && cols == NR) {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, base + p * rs + j0, bp, dst + p * NR, NR);
                }
            } else if (rs == 1) {
                // transposed B: each column is contiguous along k
                for (int j = 0; j < cols; j++) {
                    int src = base + (j0 + j) * cs;
                    for (int p = 0; p < kc; p++) {
                        bp[dst + p * NR + j] = b[src + p];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = base + p * rs + j0 * cs;
                    int d = dst + p * NR;
                    for (int j = 0; j < cols; j++) {
                        bp[d + j] = b[src + j * cs];
                    }
                }
            }
            if (cols < NR) {
                for (int p = 0; p < kc; p++) {
                    for (int j = cols; j < NR; j++) {
                        bp[dst + p * NR + j] = 0f;
                    }
                }
            }
        }
    }

    /** C = beta * C on a block (beta 0 writes zeros, so NaN in C does not survive). */
    private static void scaleC(Problem q, int m0, int m1, int n0, int n1) {
        float[] c = q.c();
        float beta = q.beta();
        for (int i = m0; i < m1; i++) {
            int row = q.cOff() + i * q.ldc();
            for (int j = n0; j < n1; j++) {
                c[row + j] = beta == 0 ? 0f : beta * c[row + j];
            }
        }
    }
}
