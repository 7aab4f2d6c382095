package org.cassl.bench;

import java.util.List;
import java.util.Random;
import org.cassl.tensor.cpu.CpuBackend;

/**
 * Square float32 GEMM ({@code C = A x B}, row-major, N x N) on the CPU backend's packed kernel,
 * and numpy's {@code matmul} (OpenBLAS) with the same size and thread count as the peer.
 */
public final class GemmBench {
    private GemmBench() {
    }

    /**
     * Times {@code reps} products after a warm-up of at least {@code warmup} products and one second.
     *
     * @param size    N
     * @param threads CPU worker threads (and the peer's BLAS threads)
     * @param peer    also run the numpy peer when {@code /usr/bin/python3} has it
     */
    public static Result run(int size, int threads, int warmup, int reps, boolean peer) {
        return run(size, threads, warmup, reps, peer, 1.0);
    }

    /** As {@link #run(int, int, int, int, boolean)} with a chosen minimum warm-up time (tests use 0). */
    static Result run(int size, int threads, int warmup, int reps, boolean peer, double warmupSeconds) {
        if (size < 1 || threads < 1) {
            throw new IllegalArgumentException("gemm bench: size and threads must be positive, got size=" + size
                    + " threads=" + threads);
        }
        Random rnd = new Random(0);
        float[] a = new float[size * size];
        float[] b = new float[size * size];
        float[] c = new float[size * size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
            b[i] = (float) rnd.nextGaussian();
        }
        double[] times;
        try (CpuBackend be = new CpuBackend(threads)) {
            // get the kernels compiled on a small product first: interpreted, a large one takes minutes
            int small = Math.min(size, 192);
            Timing.measure(() -> be.gemm().sgemm(false, false, small, small, small, 1f, a, 0, small, b, 0, small, 0f, c, 0,
                    small), 50, warmupSeconds, 1);
            times = Timing.measure(() -> be.gemm().sgemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f,
                    c, 0, size), warmup, warmupSeconds, reps);
        }
        double flops = 2.0 * size * size * size;
        double median = Timing.median(times);
        String shape = size + "x" + size + "x" + size;
        if (!peer) {
            return new Result("gemm", shape, threads, reps, median, times[0], flops / median / 1e6, null, null, null,
                    "not requested");
        }
        PythonPeer.Outcome o = PythonPeer.run("gemm_peer.py", threads, List.of("--size", Integer.toString(size),
                "--warmup", Integer.toString(warmup), "--reps", Integer.toString(reps)));
        return new Result("gemm", shape, threads, reps, median, times[0], flops / median / 1e6, o.library(),
                o.medianMs(), o.medianMs() == null ? null : flops / o.medianMs() / 1e6, o.error());
    }

    /** {@code GemmBench [size] [threads] [reps]}: prints the result as JSON. */
    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        System.out.println(run(size, threads, 3, reps, true).toJson());
    }
}
