package org.cassl.detection.kernels;

import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;
import org.cassl.tensor.cpu.CpuStorage;

/** Read access to the heap arrays behind CPU tensors, for the CPU reference kernels. */
final class HostData {
    private HostData() {
    }

    /** The array ({@code float[]}, {@code double[]}, {@code long[]} or {@code byte[]}) behind a CPU tensor. */
    static Object array(Tensor t) {
        if (!(t.storage() instanceof CpuStorage s)) {
            throw new TensorException("the CPU detection kernels need CPU tensors, got one on " + t.device());
        }
        return s.array();
    }

    /** Element {@code i} of a heap array as a double. */
    static double getD(Object a, int i) {
        if (a instanceof float[] f) {
            return f[i];
        }
        if (a instanceof double[] d) {
            return d[i];
        }
        if (a instanceof long[] l) {
            return l[i];
        }
        return ((byte[]) a)[i] & 0xff;
    }
}
