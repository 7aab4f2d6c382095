package org.cassl.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random compositions of view ops (reshape, permute, transpose, slice with step, narrow, select,
 * expand, squeeze, unsqueeze, flatten) on a small array, compared element by element with a
 * naive reference that maps each index of the result back to a position of the original data.
 */
class ViewPropertiesTest {

    /** The reference: a shape plus the map from an index of this view to a flat index of the base. */
    record Model(int[] shape, UnaryOperator<int[]> toParent, Model parent) {
        int source(int[] idx) {
            Model m = this;
            int[] i = idx;
            while (m.parent != null) {
                i = m.toParent.apply(i);
                m = m.parent;
            }
            return ravel(i, m.shape);
        }
    }

    static int ravel(int[] idx, int[] shape) {
        int f = 0;
        for (int d = 0; d < shape.length; d++) {
            f = f * shape[d] + idx[d];
        }
        return f;
    }

    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    static int[] remove(int[] a, int i) {
        int[] r = new int[a.length - 1];
        for (int k = 0, j = 0; k < a.length; k++) {
            if (k != i) {
                r[j++] = a[k];
            }
        }
        return r;
    }

    static int[] insert(int[] a, int i, int v) {
        int[] r = new int[a.length + 1];
        for (int k = 0, j = 0; k < r.length; k++) {
            r[k] = k == i ? v : a[j++];
        }
        return r;
    }

    /** One step: the tensor op and the matching reference transformation, or null when not applicable. */
    private record Step(String name, Tensor tensor, Model model, boolean isView) {
    }

    private static Step randomStep(Random rnd, Tensor t, Model m) {
        int[] s = m.shape();
        int r = s.length;
        switch (rnd.nextInt(10)) {
            case 0: { // permute
                if (r < 2) {
                    return null;
                }
                List<Integer> p = new ArrayList<>();
                for (int i = 0; i < r; i++) {
                    p.add(i);
                }
                java.util.Collections.shuffle(p, rnd);
                int[] dims = p.stream().mapToInt(Integer::intValue).toArray();
                int[] ns = new int[r];
                for (int i = 0; i < r; i++) {
                    ns[i] = s[dims[i]];
                }
                return new Step("permute" + Arrays.toString(dims), t.permute(dims), new Model(ns, idx -> {
                    int[] o = new int[r];
                    for (int i = 0; i < r; i++) {
                        o[dims[i]] = idx[i];
                    }
                    return o;
                }, m), true);
            }
            case 1: { // transpose with negative dims
                if (r < 2) {
                    return null;
                }
                int a = rnd.nextInt(r);
                int b = rnd.nextInt(r);
                int[] ns = s.clone();
                ns[a] = s[b];
                ns[b] = s[a];
                return new Step("transpose(" + (a - r) + "," + b + ")", t.transpose(a - r, b), new Model(ns, idx -> {
                    int[] o = idx.clone();
                    o[a] = idx[b];
                    o[b] = idx[a];
                    return o;
                }, m), true);
            }
            case 2: { // slice with step and possibly out-of-range bounds
                if (r == 0) {
                    return null;
                }
                int d = rnd.nextInt(r);
                int n = s[d];
                int start = rnd.nextInt(2 * n + 3) - n - 1;
                int end = rnd.nextInt(2 * n + 3) - n;
                int step = 1 + rnd.nextInt(3);
                int cs = Math.max(0, Math.min(n, start < 0 ? start + n : start));
                int ce = Math.max(0, Math.min(n, end < 0 ? end + n : end));
                int len = ce > cs ? (ce - cs + step - 1) / step : 0;
                int[] ns = s.clone();
                ns[d] = len;
                return new Step("slice(" + d + "," + start + "," + end + "," + step + ")", t.slice(d, start, end, step),
                        new Model(ns, idx -> {
                            int[] o = idx.clone();
                            o[d] = cs + idx[d] * step;
                            return o;
                        }, m), true);
            }
            case 3: { // narrow
                if (r == 0) {
                    return null;
                }
                int d = rnd.nextInt(r);
                int start = rnd.nextInt(s[d] + 1);
                int len = rnd.nextInt(s[d] - start + 1);
                int[] ns = s.clone();
                ns[d] = len;
                return new Step("narrow(" + d + "," + start + "," + len + ")", t.narrow(d, start, len), new Model(ns, idx -> {
                    int[] o = idx.clone();
                    o[d] = start + idx[d];
                    return o;
                }, m), true);
            }
            case 4: { // select (negative index)
                if (r == 0) {
                    return null;
                }
                int d = rnd.nextInt(r);
                if (s[d] == 0) {
                    return null;
                }
                int i = rnd.nextInt(s[d]);
                return new Step("select(" + d + "," + (i - s[d]) + ")", t.select(d, i - s[d]),
                        new Model(remove(s, d), idx -> insert(idx, d, i), m), true);
            }
            case 5: { // expand size-1 dims and add a leading dim
                int lead = rnd.nextInt(2);
                int[] ns = new int[r + lead];
                if (lead == 1) {
                    ns[0] = 1 + rnd.nextInt(3);
                }
                for (int i = 0; i < r; i++) {
                    ns[i + lead] = s[i] == 1 ? 1 + rnd.nextInt(3) : (rnd.nextBoolean() ? -1 : s[i]);
                }
                int[] real = ns.clone();
                for (int i = 0; i < r; i++) {
                    if (real[i + lead] == -1) {
                        real[i + lead] = s[i];
                    }
                }
                return new Step("expand" + Arrays.toString(ns), t.expand(ns), new Model(real, idx -> {
                    int[] o = new int[r];
                    for (int i = 0; i < r; i++) {
                        o[i] = s[i] == 1 ? 0 : idx[i + lead];
                    }
                    return o;
                }, m), true);
            }
            case 6: { // squeeze one dim (a no-op when its size is not 1) or all
                if (r == 0) {
                    return null;
                }
                if (rnd.nextBoolean()) {
                    int d = rnd.nextInt(r);
                    if (s[d] != 1) {
                        return new Step("squeeze(" + d + ") no-op", t.squeeze(d), new Model(s, idx -> idx, m), true);
                    }
                    return new Step("squeeze(" + d + ")", t.squeeze(d), new Model(remove(s, d), idx -> insert(idx, d, 0), m),
                            true);
                }
                int[] keep = Arrays.stream(s).filter(x -> x != 1).toArray();
                return new Step("squeeze()", t.squeeze(), new Model(keep, idx -> {
                    int[] o = new int[r];
                    for (int i = 0, j = 0; i < r; i++) {
                        o[i] = s[i] == 1 ? 0 : idx[j++];
                    }
                    return o;
                }, m), true);
            }
            case 7: { // unsqueeze
                if (r >= 5) {
                    return null;
                }
                int d = rnd.nextInt(r + 1);
                return new Step("unsqueeze(" + d + ")", t.unsqueeze(d), new Model(insert(s, d, 1), idx -> remove(idx, d), m),
                        true);
            }
            case 8: { // reshape to a random factorisation, one dim possibly -1
                int n = Shapes.numel(s);
                if (n == 0) {
                    return null;
                }
                List<Integer> dims = new ArrayList<>();
                int rest = n;
                while (rest > 1 && dims.size() < 3) {
                    int f = 2 + rnd.nextInt(rest - 1);
                    while (rest % f != 0) {
                        f--;
                    }
                    if (f <= 1) {
                        break;
                    }
                    dims.add(f);
                    rest /= f;
                }
                dims.add(rest);
                if (rnd.nextBoolean()) {
                    dims.add(rnd.nextInt(dims.size() + 1), 1);
                }
                int[] ns = dims.stream().mapToInt(Integer::intValue).toArray();
                int[] arg = ns.clone();
                if (rnd.nextBoolean()) {
                    arg[rnd.nextInt(arg.length)] = -1;
                }
                boolean canView = Views.viewStrides(t.shape(), t.strides(), ns) != null;
                return new Step("reshape" + Arrays.toString(arg), t.reshape(arg),
                        new Model(ns, idx -> unravel(ravel(idx, ns), s), m), canView);
            }
            default: { // flatten a range of dims
                if (r == 0) {
                    return null;
                }
                int a = rnd.nextInt(r);
                int b = a + rnd.nextInt(r - a);
                int[] ns = new int[r - (b - a)];
                for (int i = 0; i < a; i++) {
                    ns[i] = s[i];
                }
                ns[a] = 1;
                for (int i = a; i <= b; i++) {
                    ns[a] *= s[i];
                }
                for (int i = b + 1; i < r; i++) {
                    ns[i - (b - a)] = s[i];
                }
                boolean canView = Views.viewStrides(t.shape(), t.strides(), ns) != null;
                return new Step("flatten(" + a + "," + b + ")", t.flatten(a, b),
                        new Model(ns, idx -> unravel(ravel(idx, ns), s), m), canView);
            }
        }
    }

    @Property(tries = 400)
    void viewCompositionsMatchTheNaiveIndexMapping(@ForAll @IntRange(min = 0, max = 4) int rank,
                                                   @ForAll @IntRange(min = 1, max = 8) int steps,
                                                   @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] shape = new int[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = 1 + rnd.nextInt(4);
        }
        int n = Shapes.numel(shape);
        double[] data = new double[n];
        for (int i = 0; i < n; i++) {
            data[i] = i;
        }
        Tensor base = Tensor.of(data, shape);
        Tensor t = base;
        Model m = new Model(shape, null, null);
        boolean allViews = true;
        StringBuilder trace = new StringBuilder(Arrays.toString(shape));
        for (int k = 0; k < steps; k++) {
            Step st = randomStep(rnd, t, m);
            if (st == null) {
                continue;
            }
            trace.append(" -> ").append(st.name());
            t = st.tensor();
            m = st.model();
            allViews &= st.isView();
            assertArrayEquals(m.shape(), t.shape(), trace.toString());
        }
        double[] got = t.toDoubleArray();
        int[] rs = m.shape();
        assertEquals(Shapes.numel(rs), got.length, trace.toString());
        for (int f = 0; f < got.length; f++) {
            int[] idx = unravel(f, rs);
            assertEquals(data[m.source(idx)], got[f], 0, trace + " at " + Arrays.toString(idx));
            if (f < 3) {
                assertEquals(data[m.source(idx)], t.getDouble(idx), 0, trace + " getDouble " + Arrays.toString(idx));
            }
        }
        if (allViews) {
            assertSame(base.storage(), t.storage(), "view ops must not copy: " + trace);
        }
        assertArrayEquals(got, t.contiguous().toDoubleArray(), 0, "contiguous keeps values: " + trace);
    }
}
