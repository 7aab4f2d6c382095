package org.cassl.app.demo;

import java.util.Arrays;
import java.util.Map;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.training.trainer.WeightEma;

/**
 * Alternates the composed weight-EMA update ({@code avg.mulInPlace(d).addInPlace(w, 1 - d)} over the
 * state dict) with {@code WeightEma.update} (one pass per tensor through {@code Backend.emaUpdate}) on
 * the demo's model in one JVM, and prints the median and minimum of each. Run against a built jar:
 * <pre>
 *   javac --add-modules jdk.incubator.vector -cp app/target/cassl.jar -d /tmp/cls tools/perf/EmaPair.java
 *   java --add-modules jdk.incubator.vector -cp /tmp/cls:app/target/cassl.jar org.cassl.app.demo.EmaPair 100
 * </pre>
 */
public class EmaPair {
    public static void main(String[] a) {
        Backends.setCpuThreads(2);
        Fcos model = new Fcos(DemoPlan.demoModel(128, FcosConfig.MaskHead.NONE), new Generator(0));
        WeightEma ema = new WeightEma(model, 0.99);
        Map<String, Tensor> shadow = ema.state();
        long numel = 0;
        for (Tensor t : shadow.values()) numel += t.numel();
        int n = Integer.parseInt(a[0]);
        double[] comp = new double[n], fused = new double[n];
        for (int i = -20; i < n; i++) {
            for (int k = 0; k < 2; k++) {
                boolean c = (i + k) % 2 == 0;
                long t = System.nanoTime();
                if (c) {
                    double d = ema.decayAt(100);
                    for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
                        Tensor s = shadow.get(e.getKey());
                        if (s.dtype().isFloatingPoint()) s.mulInPlace(d).addInPlace(e.getValue(), 1 - d);
                        else s.copyFrom(e.getValue());
                    }
                } else {
                    ema.update(100);
                }
                double ms = (System.nanoTime() - t) / 1e6;
                if (i >= 0) { if (c) comp[i] = ms; else fused[i] = ms; }
            }
        }
        Arrays.sort(comp); Arrays.sort(fused);
        System.out.printf("elements %d; composed median %.2f ms min %.2f; one pass median %.2f ms min %.2f; ratio %.2f%n",
                numel, comp[n / 2], comp[0], fused[n / 2], fused[0], comp[n / 2] / fused[n / 2]);
    }
}
