package org.cassl.tensor.cpu;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.cassl.tensor.testing.TensorAssert.assertEqual;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.IndexOutOfRangeException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.ValuesIndices;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** index_select/index_add, gather/scatter_add, nonzero, sort and topk against naive loops and torch goldens. */
class CpuIndexingTest {
    private static final CpuBackend BE = new CpuBackend(4);
    private static final DType[] ALL = {DType.F32, DType.F64, DType.I64, DType.U8, DType.BOOL};

    @AfterAll
    static void close() {
        BE.close();
    }

    // ---- naive helpers ------------------------------------------------------------------------

    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    static int ravel(int[] idx, int[] shape) {
        int f = 0;
        for (int d = 0; d < shape.length; d++) {
            f = f * shape[d] + idx[d];
        }
        return f;
    }

    /** Small random integers (exact in every dtype), as {@code dtype}. */
    static Tensor randomInts(Generator g, DType dtype, int hi, int... shape) {
        Tensor t = Tensor.randint(g, 0, dtype == DType.BOOL ? 2 : hi, shape);
        return t.to(dtype);
    }

    /** A non-contiguous view with the given shape: a transposed, sliced parent. */
    static Tensor stridedView(Tensor contiguousValues) {
        int[] s = contiguousValues.shape();
        int r = s.length;
        // parent has the last two dims swapped and one extra column, then is viewed back
        int[] ps = s.clone();
        if (r >= 2) {
            ps[r - 1] = s[r - 2];
            ps[r - 2] = s[r - 1] + 1;
        } else {
            ps[0] = s[0] * 2;
        }
        Tensor parent = Tensor.zeros(contiguousValues.dtype(), ps);
        Tensor view = r >= 2 ? parent.narrow(r - 2, 0, s[r - 1]).transpose(r - 2, r - 1) : parent.slice(0, 0, ps[0], 2);
        view.copyFrom(contiguousValues);
        assertTrue(!view.isContiguous() || contiguousValues.numel() <= 1);
        return view;
    }

    // ---- index_select / index_add -----------------------------------------------------------

    @Test
    void indexSelectMatchesNaiveForEveryDtypeAndDimOnStridedViews() {
        Generator g = new Generator(1);
        for (DType dt : ALL) {
            for (int dim = 0; dim < 3; dim++) {
                int[] shape = {3 + g.nextInt(3), 4 + g.nextInt(3), 2 + g.nextInt(4)};
                Tensor x = stridedView(randomInts(g, dt, 100, shape));
                Tensor idx = Tensor.randint(g, 0, shape[dim], 7);
                int[] os = shape.clone();
                os[dim] = 7;
                Tensor out = Tensor.zeros(dt, os);
                BE.indexSelect(x, dim, idx, out);
                double[] xv = x.toDoubleArray();
                long[] iv = idx.toLongArray();
                double[] expect = new double[out.numel()];
                for (int f = 0; f < expect.length; f++) {
                    int[] p = unravel(f, os);
                    p[dim] = (int) iv[p[dim]];
                    expect[f] = xv[ravel(p, shape)];
                }
                assertClose(Tensor.of(expect, os), out, 0, 0, "index_select " + dt + " dim " + dim);
            }
        }
    }

    @Test
    void indexSelectLargeParallelAndEmptyIndex() {
        Generator g = new Generator(2);
        Tensor x = Tensor.randn(g, 300, 257);
        Tensor idx = Tensor.randint(g, 0, 300, 500);
        assertEqual(x.indexSelect(0, idx), executeIndexSelect(x, 0, idx), "rows");
        Tensor idx2 = Tensor.randint(g, 0, 257, 300);
        assertEqual(x.t().contiguous().indexSelect(1, Tensor.randint(new Generator(9), 0, 300, 400)),
                executeIndexSelect(x.t(), 1, Tensor.randint(new Generator(9), 0, 300, 400)), "strided columns");
        assertEqual(x.indexSelect(1, idx2), executeIndexSelect(x, 1, idx2), "columns");
        Tensor empty = x.indexSelect(1, Tensor.zeros(DType.I64, 0));
        assertArrayEquals(new int[] {300, 0}, empty.shape());
    }

    private static Tensor executeIndexSelect(Tensor x, int dim, Tensor idx) {
        int[] os = x.shape();
        os[dim] = idx.numel();
        Tensor out = Tensor.zeros(x.dtype(), os);
        BE.indexSelect(x, dim, idx, out);
        return out;
    }

    @Test
    void negativeAndTooLargeIndicesAreRejectedWithTheRange() {
        Tensor x = Tensor.arange(6).reshape(2, 3);
        IndexOutOfRangeException e = assertThrows(IndexOutOfRangeException.class,
                () -> x.indexSelect(1, Tensor.of(new long[] {0, -1}, 2)));
        assertTrue(e.getMessage().contains("index_select") && e.getMessage().contains("-1")
                && e.getMessage().contains("[0, 3)"), e.getMessage());
        e = assertThrows(IndexOutOfRangeException.class, () -> x.gather(0, Tensor.of(new long[] {2, 0, 0}, 1, 3)));
        assertTrue(e.getMessage().contains("gather") && e.getMessage().contains(" 2 ") && e.getMessage().contains("[0, 2)"),
                e.getMessage());
        e = assertThrows(IndexOutOfRangeException.class,
                () -> x.scatterAdd(1, Tensor.of(new long[] {3}, 1, 1), Tensor.ones(DType.I64, 1, 1)));
        assertTrue(e.getMessage().contains("scatter_add"), e.getMessage());
        e = assertThrows(IndexOutOfRangeException.class,
                () -> x.indexAdd(0, Tensor.of(new long[] {5}, 1), Tensor.ones(DType.I64, 1, 3)));
        assertTrue(e.getMessage().contains("index_add") && e.getMessage().contains("5"), e.getMessage());
    }

    @Test
    void indexAddAccumulatesDuplicatesIntoStridedOut() {
        Generator g = new Generator(3);
        for (DType dt : new DType[] {DType.F32, DType.F64, DType.I64, DType.U8}) {
            for (int dim = 0; dim < 3; dim++) {
                int[] shape = {4, 5, 3};
                boolean big = dim == 1 && dt == DType.F32;
                if (big) {
                    shape = new int[] {64, 5, 130};   // enough elements for the split-parallel path
                }
                Tensor base = randomInts(g, dt, 20, shape);
                Tensor out = stridedView(base);
                int count = 9;
                Tensor idx = Tensor.randint(g, 0, shape[dim], count);
                int[] ss = shape.clone();
                ss[dim] = count;
                Tensor src = stridedView(randomInts(g, dt, 20, ss));
                double[] expect = base.toDoubleArray();
                double[] sv = src.toDoubleArray();
                long[] iv = idx.toLongArray();
                for (int f = 0; f < sv.length; f++) {
                    int[] p = unravel(f, ss);
                    p[dim] = (int) iv[p[dim]];
                    int o = ravel(p, shape);
                    expect[o] = dt == DType.U8 ? (((long) expect[o] + (long) sv[f]) & 0xff) : expect[o] + sv[f];
                }
                BE.indexAdd(out, dim, idx, src);
                assertClose(Tensor.of(expect, shape), out, 1e-6, 0, "index_add " + dt + " dim " + dim);
            }
        }
    }

    // ---- gather / scatter_add --------------------------------------------------------------

    @Test
    void gatherAndScatterAddMatchNaive() {
        Generator g = new Generator(4);
        for (DType dt : ALL) {
            for (int dim = 0; dim < 3; dim++) {
                int[] xs = {5, 6, 4};
                int[] is = {3, 4, 3};
                is[dim] = 7;   // the gathered dim may be longer than the input's
                Tensor x = stridedView(randomInts(g, dt, 50, xs));
                Tensor idx = stridedView(Tensor.randint(g, 0, xs[dim], is));
                Tensor out = Tensor.zeros(dt, is);
                BE.gather(x, dim, idx, out);
                double[] xv = x.toDoubleArray();
                long[] iv = idx.toLongArray();
                double[] expect = new double[out.numel()];
                for (int f = 0; f < expect.length; f++) {
                    int[] p = unravel(f, is);
                    p[dim] = (int) iv[f];
                    expect[f] = xv[ravel(p, xs)];
                }
                assertClose(Tensor.of(expect, is), out, 0, 0, "gather " + dt + " dim " + dim);

                if (dt == DType.BOOL) {
                    continue;
                }
                Tensor base = randomInts(g, dt, 10, xs);
                Tensor target = stridedView(base);
                int[] srcShape = is.clone();
                srcShape[(dim + 1) % 3] += 1;   // src may be larger than index
                Tensor src = randomInts(g, dt, 10, srcShape);
                double[] ev = base.toDoubleArray();
                double[] sv = src.toDoubleArray();
                for (int f = 0; f < iv.length; f++) {
                    int[] p = unravel(f, is);
                    double v = sv[ravel(p, srcShape)];
                    p[dim] = (int) iv[f];
                    int o = ravel(p, xs);
                    ev[o] = dt == DType.U8 ? (((long) ev[o] + (long) v) & 0xff) : ev[o] + v;
                }
                BE.scatterAdd(target, dim, idx, src);
                assertClose(Tensor.of(ev, xs), target, 1e-6, 0, "scatter_add " + dt + " dim " + dim);
            }
        }
    }

    @Test
    void scatterAddLargeWithManyDuplicatesIsExactForIntegers() {
        Generator g = new Generator(5);
        Tensor idx = Tensor.randint(g, 0, 3, 400, 100);
        Tensor src = Tensor.randint(g, 0, 1000, 400, 100);
        Tensor out = Tensor.zeros(DType.I64, 400, 3);
        BE.scatterAdd(out, 1, idx, src);
        long[] iv = idx.toLongArray();
        long[] sv = src.toLongArray();
        long[] expect = new long[1200];
        for (int i = 0; i < 400; i++) {
            for (int j = 0; j < 100; j++) {
                expect[i * 3 + (int) iv[i * 100 + j]] += sv[i * 100 + j];
            }
        }
        assertArrayEquals(expect, out.toLongArray());
        // one-hot is built on scatter_add
        assertArrayEquals(new long[] {0, 1, 0, 1, 0, 0}, Tensor.of(new long[] {1, 0}, 2).oneHot(3).toLongArray());
    }

    // ---- nonzero ------------------------------------------------------------------------------

    @Test
    void nonzeroRowMajorOnStridedAndEdgeShapes() {
        Generator g = new Generator(6);
        for (DType dt : ALL) {
            Tensor x = stridedView(Tensor.rand(g, 3, 4, 5).gt(0.6).to(dt));
            long[] got = BE.nonzero(x).toLongArray();
            double[] xv = x.toDoubleArray();
            long[] expect = new long[0];
            int n = 0;
            for (int f = 0; f < xv.length; f++) {
                if (xv[f] != 0) {
                    int[] p = unravel(f, x.shape());
                    expect = Arrays.copyOf(expect, (n + 1) * 3);
                    for (int d = 0; d < 3; d++) {
                        expect[n * 3 + d] = p[d];
                    }
                    n++;
                }
            }
            assertArrayEquals(expect, got, "nonzero " + dt);
        }
        assertArrayEquals(new int[] {1, 0}, BE.nonzero(Tensor.scalar(2.5)).shape());
        assertArrayEquals(new int[] {0, 0}, BE.nonzero(Tensor.scalar(0)).shape());
        assertArrayEquals(new int[] {0, 2}, BE.nonzero(Tensor.zeros(3, 0)).shape());
        Tensor nan = Tensor.of(new float[] {0, Float.NaN, -0f}, 3);
        assertArrayEquals(new long[] {1}, BE.nonzero(nan).toLongArray());
    }

    @Test
    void nonzeroLargeParallelMatchesSequentialScan() {
        Generator g = new Generator(7);
        Tensor x = Tensor.rand(g, 700, 300).gt(0.97);
        Tensor idx = BE.nonzero(x.t());
        boolean[] xv = x.t().toBooleanArray();
        long[] iv = idx.toLongArray();
        int n = 0;
        for (int f = 0; f < xv.length; f++) {
            if (xv[f]) {
                assertEquals(f / 700, iv[2 * n]);
                assertEquals(f % 700, iv[2 * n + 1]);
                n++;
            }
        }
        assertEquals(n, idx.size(0));
    }

    // ---- sort / topk ------------------------------------------------------------------------

    /** Stable reference: positions sorted by value (NaN largest, -0 == +0), ties by position. */
    static Integer[] naiveOrder(double[] v, boolean descending) {
        Integer[] pos = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            pos[i] = i;
        }
        Comparator<Integer> byValue = (a, b) -> Double.compare(v[a] + 0.0, v[b] + 0.0);
        Arrays.sort(pos, descending ? byValue.reversed() : byValue);   // TimSort: stable
        return pos;
    }

    private static void checkSortedPrefix(Tensor x, int dim, int k, boolean descending, ValuesIndices r, String what) {
        int[] shape = x.shape();
        int n = shape[dim];
        double[] xv = x.toDoubleArray();
        double[] vv = r.values().toDoubleArray();
        long[] iv = r.indices().toLongArray();
        int[] os = shape.clone();
        os[dim] = k;
        int slices = x.numel() / Math.max(1, n);
        for (int s = 0; s < slices; s++) {
            int[] other = unravel(s, removeDim(shape, dim));
            double[] slice = new double[n];
            for (int i = 0; i < n; i++) {
                slice[i] = xv[ravel(insertDim(other, dim, i), shape)];
            }
            Integer[] order = naiveOrder(slice, descending);
            for (int j = 0; j < k; j++) {
                int o = ravel(insertDim(other, dim, j), os);
                assertEquals((long) order[j], iv[o], what + ": index at slice " + s + " rank " + j);
                assertEquals(Double.doubleToLongBits(slice[order[j]]), Double.doubleToLongBits(vv[o]),
                        what + ": value at slice " + s + " rank " + j);
            }
        }
    }

    static int[] removeDim(int[] s, int d) {
        int[] r = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i != d) {
                r[j++] = s[i];
            }
        }
        return r;
    }

    static int[] insertDim(int[] s, int d, int v) {
        int[] r = new int[s.length + 1];
        for (int i = 0, j = 0; i < r.length; i++) {
            r[i] = i == d ? v : s[j++];
        }
        return r;
    }

    /** Values with many ties, NaN, +-0 and infinities. */
    private static Tensor awkward(Generator g, DType dt, int... shape) {
        double[] v = new double[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            int r = g.nextInt(20);
            v[i] = r == 0 ? Double.NaN : r == 1 ? -0.0 : r == 2 ? 0.0 : r == 3 ? Double.NEGATIVE_INFINITY
                    : r == 4 ? Double.POSITIVE_INFINITY : g.nextInt(9) - 4;
        }
        if (dt.isIntegral()) {
            for (int i = 0; i < v.length; i++) {
                v[i] = dt == DType.BOOL ? g.nextInt(2) : g.nextInt(7);
            }
        }
        return Tensor.of(v, shape).to(dt);
    }

    @Test
    void sortIsStableWithNanLargestForEveryDtypeDimAndDirection() {
        Generator g = new Generator(8);
        for (DType dt : ALL) {
            Tensor x = stridedView(awkward(g, dt, 4, 9, 6));
            for (int dim = 0; dim < 3; dim++) {
                for (boolean desc : new boolean[] {false, true}) {
                    Tensor v = Tensor.zeros(dt, x.shape());
                    Tensor i = Tensor.zeros(DType.I64, x.shape());
                    BE.sort(x, dim, desc, v, i);
                    checkSortedPrefix(x, dim, x.size(dim), desc, new ValuesIndices(v, i), "sort " + dt + " dim " + dim
                            + (desc ? " desc" : " asc"));
                }
            }
        }
    }

    @Test
    void sortLongSlicesAndManySlices() {
        Generator g = new Generator(9);
        Tensor x = awkward(g, DType.F32, 5000);
        checkSortedPrefix(x, 0, 5000, true, x.sort(0, true), "long f32");
        Tensor y = awkward(g, DType.F64, 3000);
        checkSortedPrefix(y, 0, 3000, false, y.sort(0, false), "long f64");
        Tensor z = awkward(g, DType.F32, 2000, 7);
        Tensor v = Tensor.zeros(DType.F32, 2000, 7);
        Tensor i = Tensor.zeros(DType.I64, 2000, 7);
        BE.sort(z, 1, false, v, i);
        checkSortedPrefix(z, 1, 7, false, new ValuesIndices(v, i), "many slices");
        ValuesIndices s0 = Tensor.scalar(3).sort(0, false);
        assertEquals(3.0, s0.values().item());
        assertEquals(0.0, s0.indices().item());
        assertArrayEquals(new int[] {0, 4}, Tensor.zeros(0, 4).sort(1, true).values().shape());
    }

    @Test
    void topkMatchesStableSortPrefix() {
        Generator g = new Generator(10);
        for (DType dt : ALL) {
            Tensor x = stridedView(awkward(g, dt, 3, 40));
            for (int k : new int[] {0, 1, 7, 40}) {
                for (boolean largest : new boolean[] {true, false}) {
                    int[] os = {3, k};
                    Tensor v = Tensor.zeros(dt, os);
                    Tensor i = Tensor.zeros(DType.I64, os);
                    BE.topk(x, k, 1, largest, v, i);
                    checkSortedPrefix(x, 1, k, largest, new ValuesIndices(v, i), "topk " + dt + " k=" + k);
                }
            }
        }
        // long slice, small k: the selection path
        Tensor big = awkward(g, DType.F32, 2, 20000);
        for (boolean largest : new boolean[] {true, false}) {
            checkSortedPrefix(big, 1, 100, largest, big.topk(100, 1, largest), "topk selection");
        }
        Tensor col = awkward(g, DType.F32, 300, 3);
        checkSortedPrefix(col, 0, 10, true, col.topk(10, 0, true), "topk dim 0");
    }

    @Test
    void smallestKSelectsAndOrders() {
        Generator g = new Generator(11);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + g.nextInt(3000);
            int k = g.nextInt(n + 1);
            long[] a = new long[n];
            for (int i = 0; i < n; i++) {
                a[i] = ((long) g.nextInt(50) << 32) | i;   // distinct, many equal high halves
            }
            long[] sorted = a.clone();
            Arrays.sort(sorted);
            SortKeys.smallestK(a, n, k);
            assertArrayEquals(Arrays.copyOf(sorted, k), Arrays.copyOf(a, k), "n=" + n + " k=" + k);
        }
    }

    @Test
    void sortAndTopkGoldens() {
        for (Golden.Case c : Golden.load("cpu_sort").cases()) {
            Tensor x = c.get("x");
            ValuesIndices r;
            if (c.name().startsWith("topk")) {
                r = x.topk(c.intParam("k"), c.intParam("dim"), c.boolParam("largest", true));
                // torch does not promise an order among equal values; values must agree and the
                // indices must point at them
                assertEqual(c.get("values"), r.values(), c + " values");
                assertEqual(r.values(), x.gather(c.intParam("dim"), r.indices()), c + " indices address values");
            } else {
                r = x.sort(c.intParam("dim"), c.boolParam("descending", false));
                assertEqual(c.get("values"), r.values(), c + " values");
                assertEqual(c.get("indices"), r.indices(), c + " indices");
            }
        }
    }
}
