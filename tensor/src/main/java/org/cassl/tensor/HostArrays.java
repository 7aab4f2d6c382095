package org.cassl.tensor;

/** Conversions between the host array types backends exchange (float[], double[], long[], byte[]). */
public final class HostArrays {
    private HostArrays() {
    }

    public static float[] toFloat(Object a) {
        if (a instanceof float[]) {
            return (float[]) a;
        }
        double[] d = toDouble(a);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    public static double[] toDouble(Object a) {
        if (a instanceof double[]) {
            return (double[]) a;
        }
        if (a instanceof float[]) {
            float[] f = (float[]) a;
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return d;
        }
        if (a instanceof long[]) {
            long[] l = (long[]) a;
            double[] d = new double[l.length];
            for (int i = 0; i < l.length; i++) {
                d[i] = l[i];
            }
            return d;
        }
        byte[] b = (byte[]) a;
        double[] d = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            d[i] = b[i] & 0xff;
        }
        return d;
    }

    public static long[] toLong(Object a) {
        if (a instanceof long[]) {
            return (long[]) a;
        }
        if (a instanceof byte[]) {
            byte[] b = (byte[]) a;
            long[] l = new long[b.length];
            for (int i = 0; i < b.length; i++) {
                l[i] = b[i] & 0xff;
            }
            return l;
        }
        double[] d = toDouble(a);
        long[] l = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            l[i] = (long) d[i];
        }
        return l;
    }

    public static boolean[] toBoolean(Object a) {
        double[] d = toDouble(a);
        boolean[] r = new boolean[d.length];
        for (int i = 0; i < d.length; i++) {
            r[i] = d[i] != 0;
        }
        return r;
    }

    /** Number of elements of a host array. */
    public static int length(Object a) {
        return java.lang.reflect.Array.getLength(a);
    }
}
