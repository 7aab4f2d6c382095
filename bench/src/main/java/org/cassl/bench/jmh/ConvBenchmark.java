package org.cassl.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** The FCOS head convolution (B=2, C=K=256, 64x64, 3x3, padding 1), forward and forward+backward. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class ConvBenchmark {
    @Param({"2"})
    public int threads;

    private Tensor x;
    private Tensor w;
    private Tensor b;
    private Tensor gradOut;
    private final Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);

    @Setup(Level.Trial)
    public void setUp() {
        Backends.setCpuThreads(threads);
        Generator g = new Generator(0);
        x = Tensor.randn(g, 2, 256, 64, 64);
        w = Tensor.randn(g, 256, 256, 3, 3).mul(0.05);
        b = Tensor.randn(g, 256);
        gradOut = Tensor.randn(g, 2, 256, 64, 64);
    }

    @Benchmark
    public Tensor forward() {
        return NnOps.conv2d(x, w, b, p);
    }

    @Benchmark
    public void forwardBackward(Blackhole bh) {
        bh.consume(NnOps.conv2d(x, w, b, p));
        bh.consume(NnOps.conv2dBackwardInput(gradOut, w, x.shape(), p));
        bh.consume(NnOps.conv2dBackwardWeight(gradOut, x, w.shape(), p));
        bh.consume(gradOut.sum(new int[] {0, 2, 3}, false));
    }
}
