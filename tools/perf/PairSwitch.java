package org.cassl.bench;

import java.util.Arrays;
import org.cassl.detection.FcosConfig;
import org.cassl.tensor.Backends;

/**
 * Alternates FCOS training steps (the {@code bench fcos-step} step) with a boolean system property
 * off and on in one JVM, so that the machine's drift (a run-to-run spread of 370-590 ms for the same
 * step on the 2-core VM) falls on both variants alike. For an A/B of an engine change, build a jar in
 * which the old code path runs when the property is true, e.g. in CpuBackend.adamwUpdate
 * {@code if (!Boolean.getBoolean("composed") && CpuOptimizer.handles(...))}, then:
 * <pre>
 *   javac --add-modules jdk.incubator.vector -cp cassl.jar -d cls tools/perf/PairSwitch.java
 *   java --add-modules jdk.incubator.vector -XX:+UseParallelGC -cp cls:cassl.jar org.cassl.bench.PairSwitch \
 *       composed 30 8 128 64 7 adamw
 * </pre>
 * Args: property, timed pairs, batch, image side, FPN channels, classes, optimizer (sgd|adamw).
 * Prints the median and minimum step time of each variant and the ratio of the medians.
 */
public class PairSwitch {
    public static void main(String[] a) {
        String prop = a[0];
        int n = Integer.parseInt(a[1]);
        Backends.setCpuThreads(2);
        StepRunner step = new StepRunner(new FcosStepBench.Setup("resnet18", Integer.parseInt(a[2]), Integer.parseInt(a[3]),
                Integer.parseInt(a[4]), Integer.parseInt(a[5]), 4, FcosConfig.MaskHead.NONE, a[6]));
        for (int i = 0; i < 12; i++) {
            System.setProperty(prop, Boolean.toString(i % 2 == 1));
            step.run();
        }
        double[] off = new double[n], on = new double[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 2; k++) {
                boolean c = (i + k) % 2 == 1;
                System.setProperty(prop, Boolean.toString(c));
                long t = System.nanoTime();
                step.run();
                double ms = (System.nanoTime() - t) / 1e6;
                if (c) on[i] = ms; else off[i] = ms;
            }
        }
        Arrays.sort(off); Arrays.sort(on);
        System.out.printf("%s=false median %.1f min %.1f | %s=true median %.1f min %.1f | true/false medians %.3f%n",
                prop, off[n / 2], off[0], prop, on[n / 2], on[0], on[n / 2] / off[n / 2]);
    }
}
