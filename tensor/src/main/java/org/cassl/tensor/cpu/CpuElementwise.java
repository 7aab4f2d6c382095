package org.cassl.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.cassl.tensor.BinaryOp;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.UnaryOp;

/**
 * fill, copy/cast, unary, binary and where on strided operands. float32 has vectorised loops for
 * the hot ops on dense runs; everything else goes through the scalar definitions in
 * {@link MathOps}, which is also the whole path when {@code vectorized} is false.
 */
final class CpuElementwise {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private final Parallel par;
    private final boolean vectorized;

    CpuElementwise(Parallel par, boolean vectorized) {
        this.par = par;
        this.vectorized = vectorized;
    }

    void fill(Tensor out, double value) {
        Object o = ElementAccess.array(out);
        DType t = out.dtype();
        new StridedLoop(out).parallel(par, (len, o0, s0, o1, s1, o2, s2, o3, s3) -> {
            if (o instanceof float[]) {
                float[] a = (float[]) o;
                float v = (float) value;
                for (int i = 0; i < len; i++) {
                    a[o0 + i * s0] = v;
                }
            } else {
                for (int i = 0; i < len; i++) {
                    ElementAccess.setD(o, t, o0 + i * s0, value);
                }
            }
        });
    }

    void copy(Tensor src, Tensor dst) {
        Object s = ElementAccess.array(src);
        Object d = ElementAccess.array(dst);
        DType st = src.dtype();
        DType dt = dst.dtype();
        new StridedLoop(dst, src).parallel(par, (len, o0, s0, o1, s1, o2, s2, o3, s3) -> {
            if (st == dt) {
                if (s0 == 1 && s1 == 1) {
                    System.arraycopy(s, o1, d, o0, len);
                } else if (s instanceof float[]) {
                    float[] a = (float[]) s;
                    float[] b = (float[]) d;
                    for (int i = 0; i < len; i++) {
                        b[o0 + i * s0] = a[o1 + i * s1];
                    }
                } else if (s instanceof double[]) {
                    double[] a = (double[]) s;
                    double[] b = (double[]) d;
                    for (int i = 0; i < len; i++) {
                        b[o0 + i * s0] = a[o1 + i * s1];
                    }
                } else if (s instanceof long[]) {
                    long[] a = (long[]) s;
                    long[] b = (long[]) d;
                    for (int i = 0; i < len; i++) {
                        b[o0 + i * s0] = a[o1 + i * s1];
                    }
                } else {
                    byte[] a = (byte[]) s;
                    byte[] b = (byte[]) d;
                    for (int i = 0; i < len; i++) {
                        b[o0 + i * s0] = a[o1 + i * s1];
                    }
                }
            } else if (st.isFloatingPoint() || dt.isFloatingPoint()) {
                for (int i = 0; i < len; i++) {
                    double v = ElementAccess.getD(s, o1 + i * s1);
                    if (dt == DType.I64 || dt == DType.U8) {
                        ElementAccess.setL(d, dt, o0 + i * s0, castToLong(v));
                    } else {
                        ElementAccess.setD(d, dt, o0 + i * s0, v);
                    }
                }
            } else {
                for (int i = 0; i < len; i++) {
                    ElementAccess.setL(d, dt, o0 + i * s0, ElementAccess.getL(s, o1 + i * s1));
                }
            }
        });
    }

    /** C-style truncation toward zero, as PyTorch's float-to-int casts. */
    private static long castToLong(double v) {
        return Double.isNaN(v) ? Long.MIN_VALUE : (long) v;
    }

    void unary(UnaryOp op, Tensor x, Tensor out) {
        Object xa = ElementAccess.array(x);
        Object oa = ElementAccess.array(out);
        DType xt = x.dtype();
        DType ot = out.dtype();
        new StridedLoop(out, x).parallel(par, (len, o0, s0, o1, s1, o2, s2, o3, s3) -> {
            if (xt == DType.F32 && ot == DType.F32) {
                unaryF32(op, (float[]) xa, o1, s1, (float[]) oa, o0, s0, len);
            } else if (xt.isFloatingPoint()) {
                for (int i = 0; i < len; i++) {
                    ElementAccess.setD(oa, ot, o0 + i * s0, MathOps.unary(op, ElementAccess.getD(xa, o1 + i * s1)));
                }
            } else {
                for (int i = 0; i < len; i++) {
                    ElementAccess.setL(oa, ot, o0 + i * s0, MathOps.unaryL(op, ElementAccess.getL(xa, o1 + i * s1)));
                }
            }
        });
    }

    private void unaryF32(UnaryOp op, float[] x, int xo, int xs, float[] o, int oo, int os, int len) {
        int i = 0;
        if (vectorized && xs == 1 && os == 1) {
            int bound = F.loopBound(len);
            switch (op) {
                case NEG:
                    for (; i < bound; i += F.length()) {
                        FloatVector.fromArray(F, x, xo + i).neg().intoArray(o, oo + i);
                    }
                    break;
                case RELU:
                    for (; i < bound; i += F.length()) {
                        FloatVector v = FloatVector.fromArray(F, x, xo + i);
                        v.blend(0f, v.compare(VectorOperators.LE, 0f)).intoArray(o, oo + i);
                    }
                    break;
                case ABS:
                    for (; i < bound; i += F.length()) {
                        FloatVector.fromArray(F, x, xo + i).abs().intoArray(o, oo + i);
                    }
                    break;
                case SQUARE:
                    for (; i < bound; i += F.length()) {
                        FloatVector v = FloatVector.fromArray(F, x, xo + i);
                        v.mul(v).intoArray(o, oo + i);
                    }
                    break;
                default:
                    break;
            }
        }
        for (; i < len; i++) {
            o[oo + i * os] = (float) MathOps.unary(op, x[xo + i * xs]);
        }
    }

    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        Object aa = ElementAccess.array(a);
        Object ba = ElementAccess.array(b);
        Object oa = ElementAccess.array(out);
        DType ct = a.dtype();
        DType ot = out.dtype();
        new StridedLoop(out, a, b).parallel(par, (len, o0, s0, o1, s1, o2, s2, o3, s3) -> {
            if (ct == DType.F32 && ot == DType.F32) {
                binaryF32(op, (float[]) aa, o1, s1, (float[]) ba, o2, s2, (float[]) oa, o0, s0, len);
            } else if (ct == DType.F32 && ot == DType.BOOL && op.ordinal() >= BinaryOp.EQ.ordinal()
                    && op.ordinal() <= BinaryOp.GE.ordinal()) {
                compareF32(op, (float[]) aa, o1, s1, (float[]) ba, o2, s2, (byte[]) oa, o0, s0, len);
            } else if (ct.isFloatingPoint()) {
                for (int i = 0; i < len; i++) {
                    double r = MathOps.binary(op,
                            ElementAccess.getD(aa, o1 + i * s1), ElementAccess.getD(ba, o2 + i * s2));
                    ElementAccess.setD(oa, ot, o0 + i * s0, r);
                }
            } else {
                for (int i = 0; i < len; i++) {
                    long r = MathOps.binaryL(op,
                            ElementAccess.getL(aa, o1 + i * s1), ElementAccess.getL(ba, o2 + i * s2));
                    ElementAccess.setL(oa, ot, o0 + i * s0, r);
                }
            }
        });
    }

    /** float32 comparisons (relu and clamp backward, masks): one tight loop per operator. */
    private static void compareF32(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, byte[] o, int oo,
                                   int os, int len) {
        switch (op) {
            case EQ:
                for (int i = 0; i < len; i++) {
                    o[oo + i * os] = (byte) (a[ao + i * as] == b[bo + i * bs] ? 1 : 0);
                }
                break;
            case NE:
                for (int i = 0; i < len; i++) {
                    o[oo + i * os] = (byte) (a[ao + i * as] != b[bo + i * bs] ? 1 : 0);
                }
                break;
            case LT:
                for (int i = 0; i < len; i++) {
                    o[oo + i * os] = (byte) (a[ao + i * as] < b[bo + i * bs] ? 1 : 0);
                }
                break;
            case LE:
                for (int i = 0; i < len; i++) {
                    o[oo + i * os] = (byte) (a[ao + i * as] <= b[bo + i * bs] ? 1 : 0);
                }
                break;
            case GT:
                for (int i = 0; i < len; i++) {
                    o[oo + i * os] = (byte) (a[ao + i * as] > b[bo + i * bs] ? 1 : 0);
                }
                break;
            default:
                for (int i = 0; i < len; i++) {
                    o[oo + i * os] = (byte) (a[ao + i * as] >= b[bo + i * bs] ? 1 : 0);
                }
        }
    }

    private void binaryF32(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] o, int oo, int os,
                           int len) {
        int i = 0;
        if (vectorized && os == 1 && (as == 1 || as == 0) && (bs == 1 || bs == 0) && (as | bs) != 0) {
            i = binaryF32Vector(op, a, ao, as, b, bo, bs, o, oo, len);
        }
        switch (op) {
            case ADD:
                for (; i < len; i++) {
                    o[oo + i * os] = a[ao + i * as] + b[bo + i * bs];
                }
                break;
            case SUB:
                for (; i < len; i++) {
                    o[oo + i * os] = a[ao + i * as] - b[bo + i * bs];
                }
                break;
            case MUL:
                for (; i < len; i++) {
                    o[oo + i * os] = a[ao + i * as] * b[bo + i * bs];
                }
                break;
            case DIV:
                for (; i < len; i++) {
                    o[oo + i * os] = a[ao + i * as] / b[bo + i * bs];
                }
                break;
            default:
                for (; i < len; i++) {
                    o[oo + i * os] = (float) MathOps.binary(op, a[ao + i * as], b[bo + i * bs]);
                }
        }
    }

    /**
     * Dense or scalar-broadcast runs of the hot ops; returns how many elements were done. Every
     * loop names its operation directly: C2 only compiles a vector operation to machine
     * instructions when the operator is a constant at the call site, and {@code lanewise(op, v)}
     * with a variable operator silently runs a fallback about 100x slower than scalar code.
     */
    private static int binaryF32Vector(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] o, int oo,
                                       int len) {
        int bound = F.loopBound(len);
        int step = F.length();
        int i = 0;
        if (as == 1 && bs == 1) {
            switch (op) {
                case ADD:
                    for (; i < bound; i += step) {
                        FloatVector.fromArray(F, a, ao + i).add(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                    }
                    return i;
                case SUB:
                    for (; i < bound; i += step) {
                        FloatVector.fromArray(F, a, ao + i).sub(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                    }
                    return i;
                case MUL:
                    for (; i < bound; i += step) {
                        FloatVector.fromArray(F, a, ao + i).mul(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                    }
                    return i;
                case DIV:
                    for (; i < bound; i += step) {
                        FloatVector.fromArray(F, a, ao + i).div(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                    }
                    return i;
                case MAXIMUM:
                    for (; i < bound; i += step) {
                        FloatVector.fromArray(F, a, ao + i).max(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                    }
                    return i;
                case MINIMUM:
                    for (; i < bound; i += step) {
                        FloatVector.fromArray(F, a, ao + i).min(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                    }
                    return i;
                default:
                    return 0;
            }
        }
        if (as == 1) {
            FloatVector vb = FloatVector.broadcast(F, b[bo]);
            switch (op) {
                case ADD:
                    for (; i < bound; i += step) {
                        FloatVector.fromArray(F, a, ao + i).add(vb).intoArray(o, oo + i);
                    }
                    return i;
                case SUB:
                    for (; i < bound; i += step) {
                        FloatVector.fromArray(F, a, ao + i).sub(vb).intoArray(o, oo + i);
                    }
                    return i;
                case MUL:
                    for (; i < bound; i += step) {
                        FloatVector.fromArray(F, a, ao + i).mul(vb).intoArray(o, oo + i);
                    }
                    return i;
                case DIV:
                    for (; i < bound; i += step) {
                        FloatVector.fromArray(F, a, ao + i).div(vb).intoArray(o, oo + i);
                    }
                    return i;
                case MAXIMUM:
                    for (; i < bound; i += step) {
                        FloatVector.fromArray(F, a, ao + i).max(vb).intoArray(o, oo + i);
                    }
                    return i;
                case MINIMUM:
                    for (; i < bound; i += step) {
                        FloatVector.fromArray(F, a, ao + i).min(vb).intoArray(o, oo + i);
                    }
                    return i;
                default:
                    return 0;
            }
        }
        FloatVector va = FloatVector.broadcast(F, a[ao]);
        switch (op) {
                case ADD:
                    for (; i < bound; i += step) {
                        va.add(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                    }
                    return i;
                case SUB:
                    for (; i < bound; i += step) {
                        va.sub(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                    }
                    return i;
                case MUL:
                    for (; i < bound; i += step) {
                        va.mul(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                    }
                    return i;
                case DIV:
                    for (; i < bound; i += step) {
                        va.div(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                    }
                    return i;
                case MAXIMUM:
                    for (; i < bound; i += step) {
                        va.max(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                    }
                    return i;
                case MINIMUM:
                    for (; i < bound; i += step) {
                        va.min(FloatVector.fromArray(F, b, bo + i)).intoArray(o, oo + i);
                    }
                    return i;
                default:
                    return 0;
        }
    }

    void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        byte[] c = (byte[]) ElementAccess.array(cond);
        Object aa = ElementAccess.array(a);
        Object ba = ElementAccess.array(b);
        Object oa = ElementAccess.array(out);
        new StridedLoop(out, cond, a, b).parallel(par, (len, o0, s0, o1, s1, o2, s2, o3, s3) -> {
            if (oa instanceof float[]) {
                float[] x = (float[]) aa;
                float[] y = (float[]) ba;
                float[] o = (float[]) oa;
                for (int i = 0; i < len; i++) {
                    o[o0 + i * s0] = c[o1 + i * s1] != 0 ? x[o2 + i * s2] : y[o3 + i * s3];
                }
            } else {
                for (int i = 0; i < len; i++) {
                    boolean p = c[o1 + i * s1] != 0;
                    int src = p ? o2 + i * s2 : o3 + i * s3;
                    Object arr = p ? aa : ba;
                    if (oa instanceof double[]) {
                        ((double[]) oa)[o0 + i * s0] = ((double[]) arr)[src];
                    } else if (oa instanceof long[]) {
                        ((long[]) oa)[o0 + i * s0] = ((long[]) arr)[src];
                    } else {
                        ((byte[]) oa)[o0 + i * s0] = ((byte[]) arr)[src];
                    }
                }
            }
        });
    }
}
