package org.cassl.tensor.cpu;
import java.util.*;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.*;
import org.cassl.tensor.*;
/**
 * {@code Fcos.detect} with the head's small pyramid levels convolved side by side
 * ({@code CpuConvShared}) against one by one, switched call by call in one JVM (so the machine's
 * drift falls on both), ResNet-18 FCOS, FPN 256, 91 classes, random weights. Run against a built jar:
 * <pre>
 *   javac --add-modules jdk.incubator.vector -cp app/target/cassl.jar -d /tmp/cls tools/perf/DetectPair.java
 *   java --add-modules jdk.incubator.vector -XX:+UseSerialGC -cp /tmp/cls:app/target/cassl.jar org.cassl.tensor.cpu.DetectPair 1 30 320
 * </pre>
 * Arguments: batch, pairs, image side.
 */
public class DetectPair {
  public static void main(String[] a) {
    Backends.setCpuThreads(2);
    int batch = Integer.parseInt(a[0]); int pairs = Integer.parseInt(a[1]); int size = Integer.parseInt(a[2]);
    FcosConfig cfg = FcosConfig.parse("{\"backbone\": \"resnet18\", \"fpn_channels\": 256, \"num_classes\": 91, \"min_size\": " + size + ", \"max_size\": " + size + "}");
    Fcos m = new Fcos(cfg, new Generator(0)); m.train(false);
    List<Tensor> imgs = Collections.nCopies(batch, Tensor.rand(new Generator(1), 3, size, size));
    double[][] t = new double[2][pairs];
    for (int p = -5; p < pairs; p++) for (int k = 0; k < 2; k++) {
      int s = (p + k) % 2 == 0 ? 1 : 0; if (p < 0) s = k;
      CpuConvShared.sideBySideEnabled = s == 1;
      try (MemoryScope sc = MemoryScope.openRecycling(Device.CPU)) {
        long t0 = System.nanoTime(); m.detect(imgs); double ms = (System.nanoTime() - t0) / 1e6;
        if (p >= 0) t[s][p] = ms;
      }
    }
    double[] r = new double[pairs]; for (int p = 0; p < pairs; p++) r[p] = t[0][p] / t[1][p];
    Arrays.sort(t[0]); Arrays.sort(t[1]); Arrays.sort(r);
    System.out.printf("Fcos.detect resnet18 %d px, batch %d, 2 threads, %d pairs: one by one median %.1f ms (min %.1f), side by side %.1f ms (min %.1f), ratio of pairs median %.3f%n", size, batch, pairs, t[0][pairs/2], t[0][0], t[1][pairs/2], t[1][0], r[pairs/2]);
  }
}
