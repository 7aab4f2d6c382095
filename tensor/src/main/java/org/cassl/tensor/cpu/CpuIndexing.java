package org.cassl.tensor.cpu;

import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.IndexOutOfRangeException;
import org.cassl.tensor.Tensor;

/**
 * index_select/index_add, gather/scatter_add, nonzero, sort, topk.
 *
 * <p>The index ops share one trick: the operand addressed through the index is re-strided to the
 * iteration shape with stride 0 along {@code dim}, and the 1-D index is broadcast to the same
 * shape, so a single {@link StridedLoop} walks index, destination and source together and each
 * element only adds {@code index * strideAlongDim}. Accumulating ops split the work along a dim
 * other than {@code dim}, so no two threads ever add into the same element.
 */
final class CpuIndexing {
    private static final int GRAIN = 1 << 15;

    private final Parallel par;

    CpuIndexing(Parallel par) {
        this.par = par;
    }

    // ---- validation ---------------------------------------------------------------------------

    /** Checks every value of the I64 {@code index} lies in {@code [0, size)}. */
    private void checkIndices(String op, Tensor index, int dim, int size) {
        long[] ia = (long[]) ElementAccess.array(index);
        new StridedLoop(index).parallel(par, (len, o0, s0, o1, s1, o2, s2, o3, s3) -> {
            for (int i = 0; i < len; i++) {
                long v = ia[o0 + i * s0];
                if (v < 0 || v >= size) {
                    throw new IndexOutOfRangeException(op + ": index " + v + " is out of range for dimension " + dim
                            + " of size " + size + (size == 0 ? " (no valid index)" : " (valid range [0, " + size + "))"));
                }
            }
        });
    }

    // ---- index_select / gather ------------------------------------------------------------

    void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        checkIndices("index_select", index, dim, x.size(dim));
        if (out.numel() == 0) {
            return;
        }
        int[] shape = out.shape();
        Tensor idx = KernelViews.alongDim(index, shape, dim);
        Tensor src = KernelViews.restrided(x, shape, dim, 0);
        gatherLoop(idx, out, src, x.stride(dim));
    }

    void gather(Tensor x, int dim, Tensor index, Tensor out) {
        checkIndices("gather", index, dim, x.size(dim));
        if (out.numel() == 0) {
            return;
        }
        Tensor src = KernelViews.restrided(x, index.shape(), dim, 0);
        gatherLoop(index, out, src, x.stride(dim));
    }

    /** {@code out[p] = src[p + idx[p] * sd]} over the common shape of the three views. */
    private void gatherLoop(Tensor idx, Tensor out, Tensor src, int sd) {
        long[] ia = (long[]) ElementAccess.array(idx);
        Object oa = ElementAccess.array(out);
        Object sa = ElementAccess.array(src);
        new StridedLoop(idx, out, src).parallel(par, (len, oi, si, oo, so, os, ss, o3, s3) -> {
            if (si == 0) {
                // the whole run reads one source slice: a plain strided copy
                copyRun(sa, os + (int) ia[oi] * sd, ss, oa, oo, so, len);
                return;
            }
            if (oa instanceof float[] o) {
                float[] s = (float[]) sa;
                for (int i = 0; i < len; i++) {
                    o[oo + i * so] = s[os + i * ss + (int) ia[oi + i * si] * sd];
                }
            } else if (oa instanceof double[] o) {
                double[] s = (double[]) sa;
                for (int i = 0; i < len; i++) {
                    o[oo + i * so] = s[os + i * ss + (int) ia[oi + i * si] * sd];
                }
            } else if (oa instanceof long[] o) {
                long[] s = (long[]) sa;
                for (int i = 0; i < len; i++) {
                    o[oo + i * so] = s[os + i * ss + (int) ia[oi + i * si] * sd];
                }
            } else {
                byte[] o = (byte[]) oa;
                byte[] s = (byte[]) sa;
                for (int i = 0; i < len; i++) {
                    o[oo + i * so] = s[os + i * ss + (int) ia[oi + i * si] * sd];
                }
            }
        });
    }

    private static void copyRun(Object sa, int so, int ss, Object da, int dof, int ds, int len) {
        if (ss == 1 && ds == 1) {
            System.arraycopy(sa, so, da, dof, len);
        } else if (da instanceof float[] d) {
            float[] s = (float[]) sa;
            for (int i = 0; i < len; i++) {
                d[dof + i * ds] = s[so + i * ss];
            }
        } else if (da instanceof double[] d) {
            double[] s = (double[]) sa;
            for (int i = 0; i < len; i++) {
                d[dof + i * ds] = s[so + i * ss];
            }
        } else if (da instanceof long[] d) {
            long[] s = (long[]) sa;
            for (int i = 0; i < len; i++) {
                d[dof + i * ds] = s[so + i * ss];
            }
        } else {
            byte[] d = (byte[]) da;
            byte[] s = (byte[]) sa;
            for (int i = 0; i < len; i++) {
                d[dof + i * ds] = s[so + i * ss];
            }
        }
    }

    // ---- index_add / scatter_add ------------------------------------------------------------

    void indexAdd(Tensor out, int dim, Tensor index, Tensor src) {
        checkIndices("index_add", index, dim, out.size(dim));
        if (src.numel() == 0) {
            return;
        }
        int[] shape = src.shape();
        Tensor idx = KernelViews.alongDim(index, shape, dim);
        Tensor dst = KernelViews.restrided(out, shape, dim, 0);
        scatterLoop(idx, dst, src, out.stride(dim), dim, out.dtype());
    }

    void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        checkIndices("scatter_add", index, dim, out.size(dim));
        if (index.numel() == 0) {
            return;
        }
        int[] shape = index.shape();
        Tensor dst = KernelViews.restrided(out, shape, dim, 0);
        Tensor s = new Tensor(src.storage(), shape, src.strides(), src.offset());
        scatterLoop(index, dst, s, out.stride(dim), dim, out.dtype());
    }

    /**
     * {@code dst[p + idx[p] * sd] += src[p]}. Threads split a dim other than {@code dim}, whose
     * destination elements are disjoint, so duplicates accumulate in a fixed order.
     */
    private void scatterLoop(Tensor idx, Tensor dst, Tensor src, int sd, int dim, DType dtype) {
        int split = -1;
        int[] shape = idx.shape();
        for (int d = 0; d < shape.length; d++) {
            if (d != dim && shape[d] > 1 && (split < 0 || shape[d] > shape[split])) {
                split = d;
            }
        }
        StridedLoop.Run body = scatterBody(idx, dst, src, sd, dtype);
        int numel = idx.numel();
        if (split < 0 || numel < GRAIN) {
            StridedLoop l = new StridedLoop(idx, dst, src);
            l.forRuns(0, l.outerCount(), body);
            return;
        }
        int sp = split;
        int grain = Math.max(1, (int) ((long) GRAIN * shape[sp] / numel));
        par.forRange(shape[sp], grain, (s, e) -> {
            StridedLoop l = new StridedLoop(idx.narrow(sp, s, e - s), dst.narrow(sp, s, e - s), src.narrow(sp, s, e - s));
            l.forRuns(0, l.outerCount(), body);
        });
    }

    private static StridedLoop.Run scatterBody(Tensor idx, Tensor dst, Tensor src, int sd, DType dtype) {
        long[] ia = (long[]) ElementAccess.array(idx);
        Object da = ElementAccess.array(dst);
        Object sa = ElementAccess.array(src);
        boolean bool = dtype == DType.BOOL;
        return (len, oi, si, od, sdd, os, ss, o3, s3) -> {
            if (da instanceof float[] d) {
                float[] s = (float[]) sa;
                for (int i = 0; i < len; i++) {
                    d[od + i * sdd + (int) ia[oi + i * si] * sd] += s[os + i * ss];
                }
            } else if (da instanceof double[] d) {
                double[] s = (double[]) sa;
                for (int i = 0; i < len; i++) {
                    d[od + i * sdd + (int) ia[oi + i * si] * sd] += s[os + i * ss];
                }
            } else if (da instanceof long[] d) {
                long[] s = (long[]) sa;
                for (int i = 0; i < len; i++) {
                    d[od + i * sdd + (int) ia[oi + i * si] * sd] += s[os + i * ss];
                }
            } else {
                byte[] d = (byte[]) da;
                byte[] s = (byte[]) sa;
                for (int i = 0; i < len; i++) {
                    int p = od + i * sdd + (int) ia[oi + i * si] * sd;
                    // bool addition is logical or; uint8 wraps like PyTorch
                    d[p] = bool ? (byte) (d[p] | s[os + i * ss]) : (byte) (d[p] + s[os + i * ss]);
                }
            }
        };
    }

    // ---- nonzero ------------------------------------------------------------------------------

    Tensor nonzero(Tensor x) {
        int rank = x.dim();
        int n = x.numel();
        if (n == 0) {
            return Tensor.zeros(DType.I64, Device.CPU, 0, rank);
        }
        int[] shape = x.shape();
        int[] strides = x.strides();
        Object xa = ElementAccess.array(x);
        int chunks = Math.max(1, Math.min(par.threads() * 4, n / GRAIN));
        int[] counts = new int[chunks + 1];
        par.forRange(chunks, 1, (cs, ce) -> {
            for (int c = cs; c < ce; c++) {
                int s = (int) ((long) n * c / chunks);
                int e = (int) ((long) n * (c + 1) / chunks);
                counts[c + 1] = walkNonzero(xa, x.offset(), shape, strides, s, e, null, 0);
            }
        });
        for (int c = 0; c < chunks; c++) {
            counts[c + 1] += counts[c];
        }
        int total = counts[chunks];
        Tensor out = Tensor.zeros(DType.I64, Device.CPU, total, rank);
        long[] oa = (long[]) ElementAccess.array(out);
        if (rank > 0 && total > 0) {
            par.forRange(chunks, 1, (cs, ce) -> {
                for (int c = cs; c < ce; c++) {
                    int s = (int) ((long) n * c / chunks);
                    int e = (int) ((long) n * (c + 1) / chunks);
                    walkNonzero(xa, x.offset(), shape, strides, s, e, oa, counts[c] * rank);
                }
            });
        }
        return out;
    }

    /**
     * Walks row-major flat positions {@code [s, e)}; counts the non-zero elements and, when
     * {@code coords} is given, writes their coordinates from {@code pos} on.
     */
    private static int walkNonzero(Object xa, int base, int[] shape, int[] strides, int s, int e, long[] coords, int pos) {
        int rank = shape.length;
        int[] idx = new int[rank];
        int off = base;
        int rem = s;
        for (int d = rank - 1; d >= 0; d--) {
            idx[d] = rem % shape[d];
            rem /= shape[d];
            off += idx[d] * strides[d];
        }
        int count = 0;
        for (int f = s; f < e; f++) {
            boolean nz;
            if (xa instanceof float[] a) {
                nz = a[off] != 0;
            } else if (xa instanceof double[] a) {
                nz = a[off] != 0;
            } else if (xa instanceof long[] a) {
                nz = a[off] != 0;
            } else {
                nz = ((byte[]) xa)[off] != 0;
            }
            if (nz) {
                if (coords != null) {
                    for (int d = 0; d < rank; d++) {
                        coords[pos++] = idx[d];
                    }
                }
                count++;
            }
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                off += strides[d];
                if (idx[d] < shape[d]) {
                    break;
                }
                off -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
        return count;
    }

    // ---- sort / topk --------------------------------------------------------------------------

    void sort(Tensor x, int dim, boolean descending, Tensor values, Tensor indices) {
        selectSorted(x, dim, x.size(dim), descending, values, indices);
    }

    void topk(Tensor x, int k, int dim, boolean largest, Tensor values, Tensor indices) {
        selectSorted(x, dim, k, largest, values, indices);
    }

    /**
     * Writes the first {@code k} elements of each slice along {@code dim} in stable sorted order
     * (ascending, or descending with equal values still by position) with their positions.
     */
    private void selectSorted(Tensor x, int dim, int k, boolean descending, Tensor values, Tensor indices) {
        KernelViews.Slices in = new KernelViews.Slices(x, dim);
        KernelViews.Slices outV = new KernelViews.Slices(values, dim);
        KernelViews.Slices outI = new KernelViews.Slices(indices, dim);
        int n = in.length;
        if (k == 0 || in.count == 0) {
            return;
        }
        Object xa = ElementAccess.array(x);
        Object va = ElementAccess.array(values);
        long[] ia = (long[]) ElementAccess.array(indices);
        boolean packable = !(xa instanceof long[] || xa instanceof double[]);
        par.forRange(in.count, Math.max(1, GRAIN / Math.max(n, 1)), (s, e) -> {
            long[] keys = new long[n];
            int[] pos = new int[n];
            long[] tmpK = packable ? null : new long[n];
            int[] tmpP = packable ? null : new int[n];
            for (int o = s; o < e; o++) {
                int xo = in.offset(o);
                int st = in.stride;
                if (xa instanceof float[] f) {
                    for (int i = 0; i < n; i++) {
                        keys[i] = SortKeys.pack(SortKeys.f32(f[xo + i * st]), i, descending);
                    }
                } else if (xa instanceof byte[] b) {
                    for (int i = 0; i < n; i++) {
                        keys[i] = SortKeys.pack(b[xo + i * st] & 0xff, i, descending);
                    }
                } else if (xa instanceof long[] l) {
                    for (int i = 0; i < n; i++) {
                        keys[i] = descending ? ~l[xo + i * st] : l[xo + i * st];
                        pos[i] = i;
                    }
                } else {
                    double[] d = (double[]) xa;
                    for (int i = 0; i < n; i++) {
                        long key = SortKeys.f64(d[xo + i * st]);
                        keys[i] = descending ? ~key : key;
                        pos[i] = i;
                    }
                }
                if (packable) {
                    SortKeys.smallestK(keys, n, k);
                    for (int j = 0; j < k; j++) {
                        pos[j] = SortKeys.position(keys[j]);
                    }
                } else {
                    SortKeys.stableSort(keys, pos, n, tmpK, tmpP);
                }
                int vo = outV.offset(o);
                int io = outI.offset(o);
                int vs = outV.stride;
                int is = outI.stride;
                if (xa instanceof float[] f) {
                    float[] v = (float[]) va;
                    for (int j = 0; j < k; j++) {
                        v[vo + j * vs] = f[xo + pos[j] * st];
                    }
                } else if (xa instanceof double[] d) {
                    double[] v = (double[]) va;
                    for (int j = 0; j < k; j++) {
                        v[vo + j * vs] = d[xo + pos[j] * st];
                    }
                } else if (xa instanceof long[] l) {
                    long[] v = (long[]) va;
                    for (int j = 0; j < k; j++) {
                        v[vo + j * vs] = l[xo + pos[j] * st];
                    }
                } else {
                    byte[] b = (byte[]) xa;
                    byte[] v = (byte[]) va;
                    for (int j = 0; j < k; j++) {
                        v[vo + j * vs] = b[xo + pos[j] * st];
                    }
                }
                for (int j = 0; j < k; j++) {
                    ia[io + j * is] = pos[j];
                }
            }
        });
    }
}
