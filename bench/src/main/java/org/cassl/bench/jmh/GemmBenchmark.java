package org.cassl.bench.jmh;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.cassl.tensor.cpu.CpuBackend;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Square float32 GEMM through {@link org.cassl.tensor.cpu.CpuGemm#sgemm}; GFLOP/s = 2*size^3 / time. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GemmBenchmark {
    @Param({"256", "1024", "2048"})
    public int size;

    @Param({"2"})
    public int threads;

    private CpuBackend backend;
    private float[] a;
    private float[] b;
    private float[] c;

    @Setup(Level.Trial)
    public void setUp() {
        backend = new CpuBackend(threads);
        Random rnd = new Random(0);
        a = new float[size * size];
        b = new float[size * size];
        c = new float[size * size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
            b[i] = (float) rnd.nextGaussian();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }

    @Benchmark
    public float[] sgemm() {
        backend.gemm().sgemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
        return c;
    }
}
