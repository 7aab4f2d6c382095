package org.cassl.tensor.cpu;

import org.cassl.tensor.DType;

/** Per-element access to heap arrays of any dtype, for the generic (non-hot) kernel paths. */
final class ElementAccess {
    private ElementAccess() {
    }

    static double getD(Object a, int i) {
        if (a instanceof float[]) {
            return ((float[]) a)[i];
        }
        if (a instanceof double[]) {
            return ((double[]) a)[i];
        }
        if (a instanceof long[]) {
            return ((long[]) a)[i];
        }
        return ((byte[]) a)[i] & 0xff;
    }

    static long getL(Object a, int i) {
        if (a instanceof long[]) {
            return ((long[]) a)[i];
        }
        if (a instanceof byte[]) {
            return ((byte[]) a)[i] & 0xff;
        }
        if (a instanceof float[]) {
            return (long) ((float[]) a)[i];
        }
        return (long) ((double[]) a)[i];
    }

    static void setD(Object a, DType t, int i, double v) {
        switch (t) {
            case F32: ((float[]) a)[i] = (float) v; break;
            case F64: ((double[]) a)[i] = v; break;
            case I64: ((long[]) a)[i] = (long) v; break;
            case BOOL: ((byte[]) a)[i] = (byte) (v != 0 ? 1 : 0); break;
            default: ((byte[]) a)[i] = (byte) (long) v; break;
        }
    }

    static void setL(Object a, DType t, int i, long v) {
        switch (t) {
            case F32: ((float[]) a)[i] = (float) v; break;
            case F64: ((double[]) a)[i] = (double) v; break;
            case I64: ((long[]) a)[i] = v; break;
            case BOOL: ((byte[]) a)[i] = (byte) (v != 0 ? 1 : 0); break;
            default: ((byte[]) a)[i] = (byte) v; break;
        }
    }

    static Object array(org.cassl.tensor.Tensor t) {
        return ((CpuStorage) t.storage()).array();
    }
}
