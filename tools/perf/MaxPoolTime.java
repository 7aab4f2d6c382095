package org.cassl.bench;

import org.cassl.tensor.Backends;
import org.cassl.tensor.Generator;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.Pool2dParams;
import org.cassl.tensor.Tensor;

/**
 * The ResNet stem's max pool alone (2 x 64 x 160 x 160, 3x3, stride 2, pad 1: a ResNet-18 FCOS step
 * at batch 2, 320 px): 100 warm-up calls, then the median and minimum of 60. Run against two jars in
 * alternation to compare pooling kernels:
 * <pre>
 *   javac --add-modules jdk.incubator.vector -cp app/target/cassl.jar -d /tmp/cls tools/perf/MaxPoolTime.java
 *   java --add-modules jdk.incubator.vector -cp /tmp/cls:app/target/cassl.jar org.cassl.bench.MaxPoolTime 2
 * </pre>
 * Arg: threads.
 */
public class MaxPoolTime {
    public static void main(String[] a) {
        Backends.setCpuThreads(Integer.parseInt(a[0]));
        Tensor x = Tensor.randn(new Generator(1), 2, 64, 160, 160);
        Pool2dParams p = Pool2dParams.of(3, 2, 1);
        double[] t = new double[60];
        for (int i = 0; i < 160; i++) {
            long s = System.nanoTime();
            NnOps.maxPool2d(x, p);
            if (i >= 100) {
                t[i - 100] = (System.nanoTime() - s) / 1e6;
            }
        }
        java.util.Arrays.sort(t);
        System.out.printf("maxpool 2x64x160x160 k3s2p1 threads=%s median %.2f ms min %.2f ms%n", a[0], t[30], t[0]);
    }
}
