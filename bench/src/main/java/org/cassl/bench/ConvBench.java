package org.cassl.bench;

import java.util.List;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.Tensor;

/**
 * A float32 {@code k x k} convolution with C input and C output channels, stride 1 and "same"
 * padding (the FCOS head's shape: B=2, C=256, 64x64, k=3), through the public tensor entry points
 * on the shared CPU backend: forward alone, or forward plus the input, weight and bias gradients.
 * The peer is PyTorch's {@code conv2d} (oneDNN) with the same shape and thread count.
 */
public final class ConvBench {
    /** What one repetition does. */
    public enum Mode {
        FORWARD("forward", 1), FORWARD_BACKWARD("forward_backward", 3);

        private final String key;
        private final int passes;

        Mode(String key, int passes) {
            this.key = key;
            this.passes = passes;
        }

        /** {@code forward} or {@code forward_backward}. */
        public String key() {
            return key;
        }

        public static Mode parse(String s) {
            for (Mode m : values()) {
                if (m.key.equals(s)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("conv bench: unknown mode '" + s + "', expected forward or forward_backward");
        }
    }

    private ConvBench() {
    }

    /**
     * Times {@code reps} repetitions after a warm-up of at least {@code warmup} and one second. Sets
     * the shared CPU backend to {@code threads} workers.
     */
    public static Result run(int batch, int channels, int size, int kernel, Mode mode, int threads, int warmup, int reps,
                             boolean peer) {
        return run(batch, channels, size, kernel, mode, threads, warmup, reps, peer, 1.0);
    }

    /** As the public {@code run} with a chosen minimum warm-up time (tests use 0). */
    static Result run(int batch, int channels, int size, int kernel, Mode mode, int threads, int warmup, int reps,
                      boolean peer, double warmupSeconds) {
        if (batch < 1 || channels < 1 || size < 1 || kernel < 1 || kernel % 2 == 0 || threads < 1) {
            throw new IllegalArgumentException("conv bench: batch, channels, size, threads must be positive and the kernel"
                    + " odd, got B=" + batch + " C=" + channels + " S=" + size + " k=" + kernel + " threads=" + threads);
        }
        Backends.setCpuThreads(threads);
        Generator g = new Generator(0);
        Tensor x = Tensor.randn(g, batch, channels, size, size);
        Tensor w = Tensor.randn(g, channels, channels, kernel, kernel).mul(0.05);
        Tensor b = Tensor.randn(g, channels);
        Tensor gradOut = Tensor.randn(g, batch, channels, size, size);
        Conv2dParams p = Conv2dParams.of(1, kernel / 2, 1, 1);
        Runnable step = mode == Mode.FORWARD
                ? () -> NnOps.conv2d(x, w, b, p)
                : () -> {
                    NnOps.conv2d(x, w, b, p);
                    NnOps.conv2dBackwardInput(gradOut, w, x.shape(), p);
                    NnOps.conv2dBackwardWeight(gradOut, x, w.shape(), p);
                    gradOut.sum(new int[] {0, 2, 3}, false);
                };
        // compile the kernels on a small problem first: interpreted, the full size takes minutes
        Tensor xs = Tensor.randn(g, 1, 16, 12, 12);
        Tensor ws = Tensor.randn(g, 16, 16, kernel, kernel);
        Tensor gs = Tensor.randn(g, 1, 16, 12, 12);
        Timing.measure(() -> {
            NnOps.conv2d(xs, ws, null, p);
            if (mode == Mode.FORWARD_BACKWARD) {
                NnOps.conv2dBackwardInput(gs, ws, xs.shape(), p);
                NnOps.conv2dBackwardWeight(gs, xs, ws.shape(), p);
            }
        }, 50, warmupSeconds, 1);
        double[] times = Timing.measure(step, warmup, warmupSeconds, reps);
        double flops = 2.0 * batch * channels * channels * kernel * kernel * size * size * mode.passes;
        double median = Timing.median(times);
        String name = "conv_" + mode.key();
        String shape = "B" + batch + " C" + channels + " K" + channels + " " + size + "x" + size + " k" + kernel;
        if (!peer) {
            return new Result(name, shape, threads, reps, median, times[0], flops / median / 1e6, null, null, null,
                    "not requested");
        }
        PythonPeer.Outcome o = PythonPeer.run("conv_peer.py", threads, List.of("--batch", Integer.toString(batch),
                "--channels", Integer.toString(channels), "--size", Integer.toString(size), "--kernel",
                Integer.toString(kernel), "--threads", Integer.toString(threads), "--mode", mode.key(), "--warmup",
                Integer.toString(warmup), "--reps", Integer.toString(reps)));
        return new Result(name, shape, threads, reps, median, times[0], flops / median / 1e6, o.library(), o.medianMs(),
                o.medianMs() == null ? null : flops / o.medianMs() / 1e6, o.error());
    }

    /** {@code ConvBench [threads] [reps]}: forward and forward+backward of the FCOS head shape, as JSON lines. */
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        for (Mode m : Mode.values()) {
            System.out.println(run(2, 256, 64, 3, m, threads, 2, reps, true).toJson());
        }
    }
}
