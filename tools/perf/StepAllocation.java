package org.cassl.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cassl.detection.FcosConfig;
import org.cassl.tensor.Backends;
import org.cassl.tensor.cpu.CpuArena;

/**
 * What each {@code bench fcos-step} training step allocates afresh on the calling thread (the
 * arrays the recycling pool could not supply, plus small objects), what the pool holds after the
 * step, and the process's peak RSS at the end. Run against a built jar:
 * <pre>
 *   javac --add-modules jdk.incubator.vector -cp app/target/cassl.jar -d /tmp/cls tools/perf/StepAllocation.java
 *   java --add-modules jdk.incubator.vector -XX:+UseSerialGC -cp /tmp/cls:app/target/cassl.jar \
 *       org.cassl.bench.StepAllocation resnet18 2 320 16
 * </pre>
 * Args: backbone, batch, image side, steps.
 */
public class StepAllocation {
    public static void main(String[] a) throws Exception {
        Backends.setCpuThreads(2);
        FcosStepBench.Setup s = new FcosStepBench.Setup(a[0], Integer.parseInt(a[1]), Integer.parseInt(a[2]),
                Integer.parseInt(a[2]), 256, 91, 4, FcosConfig.MaskHead.NONE, "sgd");
        StepRunner step = new StepRunner(s);
        com.sun.management.ThreadMXBean tm = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < Integer.parseInt(a[3]); i++) {
            long b0 = tm.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            step.run();
            long t1 = System.nanoTime();
            long b1 = tm.getCurrentThreadAllocatedBytes();
            System.out.printf("step %d: %.0f ms, allocated %.0f MiB, pool %.0f MiB, heap used %.0f MiB of %.0f committed%n",
                    i, (t1 - t0) / 1e6, (b1 - b0) / 1048576.0, CpuArena.pooledBytes() / 1048576.0,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1048576.0);
        }
        Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                .forEach(System.out::println);
    }
}
