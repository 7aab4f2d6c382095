package org.cassl.bench;
import java.util.*;
import org.cassl.autograd.*;
import org.cassl.detection.fcos.*;
import org.cassl.tensor.*;
/**
 * Where an inference forward of FCOS spends its time, per image: transform + backbone + FPN, the
 * head on all levels, and the head on each level alone; batch sizes alternate in one JVM (eval mode,
 * no tape, a recycling scope per call, random weights, FPN 256, 91 classes). Medians of the reps.
 * <pre>
 *   javac --add-modules jdk.incubator.vector -cp app/target/cassl.jar -d /tmp/cls tools/perf/InferPhases.java
 *   java --add-modules jdk.incubator.vector -cp /tmp/cls:app/target/cassl.jar org.cassl.bench.InferPhases resnet18 320 1,4 10
 * </pre>
 */
public class InferPhases {
  public static void main(String[] a) {
    Backends.setCpuThreads(2);
    int size = Integer.parseInt(a[1]); int reps = Integer.parseInt(a[3]);
    String[] bs = a[2].split(",");
    Fcos m = new Fcos(DetectBench.config(a[0], size, size, 256, 91), new Generator(0));
    m.train(false);
    Generator g = new Generator(1);
    Tensor img = Tensor.rand(g, 3, size, size);
    Map<String, List<double[]>> res = new LinkedHashMap<>();
    for (int r = -3; r < reps; r++) {
      for (String b : bs) {
        int n = Integer.parseInt(b);
        List<Tensor> imgs = Collections.nCopies(n, img);
        try (GradMode.Scope gs = GradMode.off(); MemoryScope sc = MemoryScope.openRecycling(Device.CPU)) {
          long t0 = System.nanoTime();
          var batch = m.transform().apply(imgs, null, false, null);
          List<Variable> feats = m.backbone().forward(Variable.of(batch.images().tensors()));
          long t1 = System.nanoTime();
          var head = m.head().forward(feats);
          long t2 = System.nanoTime();
          double[] row = new double[2 + feats.size()];
          row[0] = (t1 - t0) / 1e6 / n; row[1] = (t2 - t1) / 1e6 / n;
          for (int l = 0; l < feats.size(); l++) {
            long s0 = System.nanoTime();
            m.head().forward(List.of(feats.get(l)));
            row[2 + l] = (System.nanoTime() - s0) / 1e6 / n;
          }
          if (r >= 0) res.computeIfAbsent(b, k -> new ArrayList<>()).add(row);
        }
      }
    }
    for (var e : res.entrySet()) {
      double[] bb = e.getValue().stream().mapToDouble(x -> x[0]).sorted().toArray();
      double[] hh = e.getValue().stream().mapToDouble(x -> x[1]).sorted().toArray();
      StringBuilder lv = new StringBuilder();
      for (int l = 2; l < e.getValue().get(0).length; l++) {
        final int li = l;
        double[] x = e.getValue().stream().mapToDouble(v -> v[li]).sorted().toArray();
        lv.append(String.format(" P%d %.1f", l + 1, x[x.length / 2]));
      }
      System.out.printf("%s %dpx batch %s: per image backbone+fpn %.1f ms, head %.1f ms; head on one level at a time:%s ms%n", a[0], size, e.getKey(), bb[bb.length / 2], hh[hh.length / 2], lv);
    }
  }
}
