package org.cassl.bench;
import java.util.*;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.*;
import org.cassl.tensor.*;
/**
 * {@code Fcos.detect} (eval mode, random weights, FPN 256, 91 classes) with a boolean system
 * property off and on, switched call by call in one JVM so the machine's drift falls on both:
 * <pre>
 *   javac --add-modules jdk.incubator.vector -cp app/target/cassl.jar -d /tmp/cls tools/perf/DetectSwitch.java
 *   java --add-modules jdk.incubator.vector -XX:+UseSerialGC -cp /tmp/cls:app/target/cassl.jar org.cassl.bench.DetectSwitch \
 *       cassl.winograd resnet18 1 20 320 320
 * </pre>
 * Arguments: property, backbone, batch, pairs, min side, max side.
 */
public class DetectSwitch {
  public static void main(String[] a) {
    Backends.setCpuThreads(2);
    String prop = a[0]; String backbone = a[1];
    int batch = Integer.parseInt(a[2]); int pairs = Integer.parseInt(a[3]);
    int size = Integer.parseInt(a[4]); int max = Integer.parseInt(a[5]);
    FcosConfig cfg = FcosConfig.parse("{\"backbone\": \"" + backbone + "\", \"fpn_channels\": 256, \"num_classes\": 91, \"min_size\": " + size + ", \"max_size\": " + max + "}");
    Fcos m = new Fcos(cfg, new Generator(0)); m.train(false);
    List<Tensor> imgs = Collections.nCopies(batch, Tensor.rand(new Generator(1), 3, size, max));
    double[][] t = new double[2][pairs];
    for (int p = -3; p < pairs; p++) for (int k = 0; k < 2; k++) {
      int s = (p + k) % 2 == 0 ? 1 : 0; if (p < 0) s = k;
      System.setProperty(prop, Boolean.toString(s == 1));
      try (MemoryScope sc = MemoryScope.openRecycling(Device.CPU)) {
        long t0 = System.nanoTime(); m.detect(imgs); double ms = (System.nanoTime() - t0) / 1e6;
        if (p >= 0) t[s][p] = ms;
      }
    }
    double[] r = new double[pairs]; for (int p = 0; p < pairs; p++) r[p] = t[0][p] / t[1][p];
    Arrays.sort(t[0]); Arrays.sort(t[1]); Arrays.sort(r);
    System.out.printf("Fcos.detect %s %dx%d, batch %d, 2 threads, %d pairs: %s=false median %.1f ms (min %.1f), true median %.1f ms (min %.1f), false/true per pair median %.3f%n",
        backbone, size, max, batch, pairs, prop, t[0][pairs/2], t[0][0], t[1][pairs/2], t[1][0], r[pairs/2]);
  }
}
