package org.cassl.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.Target;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;

/**
 * What one FCOS training step of {@code bench fcos-step} holds for backward: the live Java heap
 * (after full collections) before the forward, after the forward and losses (the tape's saved
 * tensors and the outputs), and after backward (the gradients). Its PyTorch twin is
 * {@code tools/perf/saved_bytes.py}. Run against a built jar:
 * <pre>
 *   javac --add-modules jdk.incubator.vector -cp app/target/cassl.jar -d /tmp/cls tools/perf/SavedBytes.java
 *   java --add-modules jdk.incubator.vector -cp /tmp/cls:app/target/cassl.jar org.cassl.bench.SavedBytes resnet18 2 320 320
 * </pre>
 */
public class SavedBytes {
    private static double liveMiB() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
    }

    public static void main(String[] a) {
        Backends.setCpuThreads(2);
        FcosStepBench.Setup s = new FcosStepBench.Setup(a[0], Integer.parseInt(a[1]), Integer.parseInt(a[2]),
                Integer.parseInt(a[3]), 256, 91, 4, FcosConfig.MaskHead.NONE, "sgd");
        Fcos model = new Fcos(s.config(), new Generator(0));
        model.train(true);
        List<Tensor> images = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        Generator g = new Generator(1);
        for (int i = 0; i < s.batch(); i++) {
            images.add(Tensor.rand(g, 3, s.size(), s.maxSize()));
            targets.add(s.target(i));
        }
        for (int rep = 0; rep < 2; rep++) {
            double before = liveMiB();
            Map<String, Variable> losses = model.losses(images, targets, null);
            Variable total = null;
            for (Variable v : losses.values()) {
                total = total == null ? v : total.add(v);
            }
            double forward = liveMiB();
            total.backward();
            losses = null;
            total = null;
            double backward = liveMiB();
            System.out.printf("%s: live heap before %.1f MiB, after forward +%.1f MiB (saved for backward), after backward"
                    + " +%.1f MiB (gradients)%n", s.shape(), before, forward - before, backward - before);
            model.zeroGrad();
        }
    }
}
