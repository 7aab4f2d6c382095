package org.cassl.tensor.cpu;

import org.cassl.tensor.DType;
import org.cassl.tensor.ReduceOp;
import org.cassl.tensor.Tensor;

/**
 * Reductions over any set of dims, max/min with indices along one dim, and cumulative sums.
 * Float sums accumulate in double (at least as accurate as PyTorch's cascade sums).
 */
final class CpuReduce {
    private final Parallel par;

    CpuReduce(Parallel par) {
        this.par = par;
    }

    /** Splits x's dims into kept (outer) and reduced (inner) lists of sizes and strides. */
    private static final class Plan {
        final int[] keepShape;
        final int[] keepStrides;
        final int[] redShape;
        final int[] redStrides;
        final int outer;
        final int inner;

        Plan(Tensor x, int[] dims) {
            int[] shape = x.shape();
            int[] strides = x.strides();
            boolean[] red = new boolean[shape.length];
            for (int d : dims) {
                red[d] = true;
            }
            int nr = dims.length;
            keepShape = new int[shape.length - nr];
            keepStrides = new int[shape.length - nr];
            redShape = new int[nr];
            redStrides = new int[nr];
            int k = 0;
            int r = 0;
            int o = 1;
            int in = 1;
            for (int d = 0; d < shape.length; d++) {
                if (red[d]) {
                    redShape[r] = shape[d];
                    redStrides[r++] = strides[d];
                    in *= shape[d];
                } else {
                    keepShape[k] = shape[d];
                    keepStrides[k++] = strides[d];
                    o *= shape[d];
                }
            }
            outer = o;
            inner = in;
        }

        int keepOffset(int base, int flat) {
            int off = base;
            for (int d = keepShape.length - 1; d >= 0; d--) {
                int i = flat % keepShape[d];
                flat /= keepShape[d];
                off += i * keepStrides[d];
            }
            return off;
        }
    }

    void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        Plan p = new Plan(x, dims);
        Object xa = ElementAccess.array(x);
        Object oa = ElementAccess.array(out);
        DType ot = out.dtype();
        boolean integral = x.dtype().isIntegral() && op != ReduceOp.ANY && op != ReduceOp.ALL;
        // out is contiguous with x's kept dims in order, so flat output index == outer index
        par.forRange(p.outer, Math.max(1, (1 << 14) / Math.max(p.inner, 1)), (s, e) -> {
            int[] idx = new int[p.redShape.length];
            for (int o = s; o < e; o++) {
                int base = p.keepOffset(x.offset(), o);
                if (integral) {
                    ElementAccess.setL(oa, ot, out.offset() + o, reduceLong(op, xa, base, p, idx));
                } else {
                    ElementAccess.setD(oa, ot, out.offset() + o, reduceDouble(op, xa, base, p, idx));
                }
            }
        });
    }

    private static double reduceDouble(ReduceOp op, Object xa, int base, Plan p, int[] idx) {
        double acc;
        switch (op) {
            case SUM: case ANY: acc = 0; break;
            case PROD: case ALL: acc = 1; break;
            case MAX: acc = Double.NEGATIVE_INFINITY; break;
            default: acc = Double.POSITIVE_INFINITY; break;
        }
        int n = p.inner;
        if (n == 0) {
            return acc;
        }
        java.util.Arrays.fill(idx, 0);
        int r = p.redShape.length;
        int innerLen = r == 0 ? 1 : p.redShape[r - 1];
        int innerStride = r == 0 ? 0 : p.redStrides[r - 1];
        int off = base;
        boolean nan = false;
        float[] f = xa instanceof float[] ? (float[]) xa : null;
        for (int done = 0; done < n; done += innerLen) {
            if (f != null && op == ReduceOp.SUM) {
                double s = 0;
                for (int i = 0; i < innerLen; i++) {
                    s += f[off + i * innerStride];
                }
                acc += s;
            } else {
                for (int i = 0; i < innerLen; i++) {
                    double v = ElementAccess.getD(xa, off + i * innerStride);
                    switch (op) {
                        case SUM: acc += v; break;
                        case PROD: acc *= v; break;
                        case MAX: if (Double.isNaN(v)) { nan = true; } else if (v > acc) { acc = v; } break;
                        case MIN: if (Double.isNaN(v)) { nan = true; } else if (v < acc) { acc = v; } break;
                        case ANY: if (v != 0) { acc = 1; } break;
                        default: if (v == 0) { acc = 0; } break;
                    }
                }
            }
            // advance the odometer over all reduced dims but the innermost
            for (int d = r - 2; d >= 0; d--) {
                idx[d]++;
                off += p.redStrides[d];
                if (idx[d] < p.redShape[d]) {
                    break;
                }
                off -= p.redStrides[d] * p.redShape[d];
                idx[d] = 0;
            }
        }
        return nan ? Double.NaN : acc;
    }

    private static long reduceLong(ReduceOp op, Object xa, int base, Plan p, int[] idx) {
        long acc;
        switch (op) {
            case SUM: acc = 0; break;
            case PROD: acc = 1; break;
            case MAX: acc = Long.MIN_VALUE; break;
            default: acc = Long.MAX_VALUE; break;
        }
        java.util.Arrays.fill(idx, 0);
        int r = p.redShape.length;
        int innerLen = r == 0 ? 1 : p.redShape[r - 1];
        int innerStride = r == 0 ? 0 : p.redStrides[r - 1];
        int off = base;
        for (int done = 0; done < p.inner; done += innerLen) {
            for (int i = 0; i < innerLen; i++) {
                long v = ElementAccess.getL(xa, off + i * innerStride);
                switch (op) {
                    case SUM: acc += v; break;
                    case PROD: acc *= v; break;
                    case MAX: acc = Math.max(acc, v); break;
                    default: acc = Math.min(acc, v); break;
                }
            }
            for (int d = r - 2; d >= 0; d--) {
                idx[d]++;
                off += p.redStrides[d];
                if (idx[d] < p.redShape[d]) {
                    break;
                }
                off -= p.redStrides[d] * p.redShape[d];
                idx[d] = 0;
            }
        }
        return acc;
    }

    void argReduce(ReduceOp op, Tensor x, int dim, Tensor values, Tensor indices) {
        Plan p = new Plan(x, new int[] {dim});
        Object xa = ElementAccess.array(x);
        Object va = ElementAccess.array(values);
        long[] ia = (long[]) ElementAccess.array(indices);
        DType vt = values.dtype();
        int n = x.size(dim);
        int st = x.stride(dim);
        boolean max = op == ReduceOp.MAX;
        boolean integral = x.dtype().isIntegral();
        par.forRange(p.outer, Math.max(1, (1 << 14) / Math.max(n, 1)), (s, e) -> {
            for (int o = s; o < e; o++) {
                int base = p.keepOffset(x.offset(), o);
                int best = 0;
                if (integral) {
                    long bv = ElementAccess.getL(xa, base);
                    for (int i = 1; i < n; i++) {
                        long v = ElementAccess.getL(xa, base + i * st);
                        if (max ? v > bv : v < bv) {
                            bv = v;
                            best = i;
                        }
                    }
                    ElementAccess.setL(va, vt, values.offset() + o, bv);
                } else {
                    double bv = ElementAccess.getD(xa, base);
                    for (int i = 1; i < n && !Double.isNaN(bv); i++) {
                        double v = ElementAccess.getD(xa, base + i * st);
                        if (Double.isNaN(v) || (max ? v > bv : v < bv)) {
                            bv = v;
                            best = i;
                        }
                    }
                    ElementAccess.setD(va, vt, values.offset() + o, bv);
                }
                ia[indices.offset() + o] = best;
            }
        });
    }

    void cumsum(Tensor x, int dim, Tensor out) {
        Plan p = new Plan(x, new int[] {dim});
        Object xa = ElementAccess.array(x);
        Object oa = ElementAccess.array(out);
        DType ot = out.dtype();
        int n = x.size(dim);
        int st = x.stride(dim);
        int ost = out.stride(dim);
        Plan po = new Plan(out, new int[] {dim});
        boolean integral = x.dtype().isIntegral();
        par.forRange(p.outer, Math.max(1, (1 << 14) / Math.max(n, 1)), (s, e) -> {
            for (int o = s; o < e; o++) {
                int base = p.keepOffset(x.offset(), o);
                int obase = po.keepOffset(out.offset(), o);
                if (integral) {
                    long acc = 0;
                    for (int i = 0; i < n; i++) {
                        acc += ElementAccess.getL(xa, base + i * st);
                        ElementAccess.setL(oa, ot, obase + i * ost, acc);
                    }
                } else {
                    double acc = 0;
                    for (int i = 0; i < n; i++) {
                        acc += ElementAccess.getD(xa, base + i * st);
                        ElementAccess.setD(oa, ot, obase + i * ost, acc);
                    }
                }
            }
        });
    }
}
