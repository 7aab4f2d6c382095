package org.cassl.kernels.crosscheck;

import java.util.Arrays;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.cassl.tensor.Backend;
import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.Shapes;
import org.cassl.tensor.Tensor;

/**
 * What a cross-backend case needs: both backends, seeded random inputs created on the CPU and
 * mirrored on the GPU (as the same strided view of the same data), and comparisons that throw
 * {@link AssertionError} with the first mismatch. No JUnit types, so the suite also runs from a
 * plain main on the GPU machine.
 */
public final class Ctx {
    public final Backend cpu;
    public final Backend gpu;
    public final Device device;
    public final Random rng;
    private double maxError;

    public Ctx(Backend cpu, Backend gpu, long seed) {
        this.cpu = cpu;
        this.gpu = gpu;
        this.device = gpu.device();
        this.rng = new Random(seed);
    }

    /** Largest relative error seen by {@link #close} in this case. */
    public double maxError() {
        return maxError;
    }

    /** The same tensor on both backends. */
    public record Pair(Tensor cpu, Tensor gpu) {
        public int[] shape() {
            return cpu.shape();
        }
    }

    /**
     * Uploads a CPU tensor's data and applies the same view to both copies. Transfers go through
     * the backends themselves (not Tensor.to), so a backend that is not registered with
     * {@link org.cassl.tensor.Backends} (the emulated one) works too.
     */
    public Pair pair(Tensor cpuBase, UnaryOperator<Tensor> view) {
        Tensor base = cpuBase.contiguous();
        int[] shape = base.shape();
        Tensor g = new Tensor(gpu.upload(base.dtype(), cpu.download(base)), shape, Shapes.contiguousStrides(shape), 0);
        return new Pair(view.apply(base), view.apply(g));
    }

    /** A tensor produced by the GPU backend, as host doubles. */
    public double[] gpuValues(Tensor t) {
        return t.device().isCpu() ? t.toDoubleArray() : org.cassl.tensor.HostArrays.toDouble(gpu.download(t));
    }

    /**
     * Whether the Tensor API on GPU tensors reaches {@link #gpu} (true for the registered CUDA
     * backend; false for the emulated one, whose composite cases are skipped).
     */
    public boolean tensorApiReachesGpu() {
        try {
            return org.cassl.tensor.Backends.forDevice(device) == gpu;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public Pair pair(Tensor cpuBase) {
        return pair(cpuBase, t -> t);
    }

    /** Zero-filled outputs of one shape on both backends. */
    public Pair zeros(DType t, int... shape) {
        return new Pair(Tensor.zeros(t, Device.CPU, shape),
                new Tensor(gpu.allocate(t, Shapes.numel(shape)), shape, Shapes.contiguousStrides(shape), 0));
    }

    /** Random data of a dtype: normal floats (with a few exact zeros), ints in [-20, 20), bytes, bools. */
    public Tensor random(DType t, int... shape) {
        int n = Shapes.numel(shape);
        switch (t) {
            case F32: case F64: {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = rng.nextInt(50) == 0 ? 0.0 : rng.nextGaussian() * 2;
                }
                return Tensor.of(v, shape).to(t);
            }
            case I64: {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = rng.nextInt(40) - 20;
                }
                return Tensor.of(v, shape);
            }
            default: {
                byte[] v = new byte[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (byte) (t == DType.BOOL ? rng.nextInt(2) : rng.nextInt(256));
                }
                return Tensor.of(v, t, shape);
            }
        }
    }

    /** Uniform floats in [lo, hi). */
    public Tensor uniform(DType t, double lo, double hi, int... shape) {
        double[] v = new double[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * rng.nextDouble();
        }
        return Tensor.of(v, shape).to(t);
    }

    /** Integers in [lo, hi) as I64. */
    public Tensor randint(long lo, long hi, int... shape) {
        long[] v = new long[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (long) Math.floor(rng.nextDouble() * (hi - lo));
        }
        return Tensor.of(v, shape);
    }

    /** Asserts equal shape and dtype and |a - e| <= atol + rtol * |e| elementwise (NaN matches NaN). */
    public void close(String what, Tensor expected, Tensor actual, double rtol, double atol) {
        sameMeta(what, expected, actual);
        double[] e = expected.toDoubleArray();
        double[] a = gpuValues(actual);
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i]) || Double.isNaN(a[i])) {
                if (Double.isNaN(e[i]) != Double.isNaN(a[i])) {
                    throw mismatch(what, expected, i, e[i], a[i]);
                }
                continue;
            }
            if (e[i] == a[i]) {
                continue;
            }
            double err = Math.abs(a[i] - e[i]);
            if (Double.isInfinite(e[i]) || err > atol + rtol * Math.abs(e[i])) {
                throw mismatch(what, expected, i, e[i], a[i]);
            }
            maxError = Math.max(maxError, err / Math.max(Math.abs(e[i]), 1e-30));
        }
    }

    /** Exact equality (integers, bools, indices; floats bit-for-bit up to NaN payloads). */
    public void exact(String what, Tensor expected, Tensor actual) {
        close(what, expected, actual, 0, 0);
    }

    private static void sameMeta(String what, Tensor expected, Tensor actual) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            throw new AssertionError(what + ": shape " + Arrays.toString(actual.shape()) + ", expected "
                    + Arrays.toString(expected.shape()));
        }
        if (expected.dtype() != actual.dtype()) {
            throw new AssertionError(what + ": dtype " + actual.dtype() + ", expected " + expected.dtype());
        }
    }

    private static AssertionError mismatch(String what, Tensor t, int flat, double e, double a) {
        int[] idx = new int[t.dim()];
        int r = flat;
        int[] s = t.shape();
        for (int d = s.length - 1; d >= 0; d--) {
            idx[d] = r % s[d];
            r /= s[d];
        }
        return new AssertionError(what + ": element " + Arrays.toString(idx) + " of shape " + Arrays.toString(s)
                + " is " + a + " on the GPU, " + e + " on the CPU");
    }

    /** Runs {@code body} on both backends' data and asserts both throw the same exception class (or neither). */
    public void sameFailure(String what, Runnable onCpu, Runnable onGpu) {
        Class<?> c = failure(onCpu);
        Class<?> g = failure(onGpu);
        if (c != g) {
            throw new AssertionError(what + ": CPU " + (c == null ? "succeeds" : "throws " + c.getSimpleName()) + ", GPU "
                    + (g == null ? "succeeds" : "throws " + g.getSimpleName()));
        }
    }

    private static Class<?> failure(Runnable r) {
        try {
            r.run();
            return null;
        } catch (RuntimeException e) {
            if (e instanceof UnsupportedOperationException) {
                throw e;
            }
            return e.getClass();
        }
    }
}
