package org.cassl.tensor.cpu;
import java.util.*;
import org.cassl.tensor.*;
/**
 * One 3x3 stride-1 convolution's forward pass and input gradient with {@code Winograd3x3} on
 * against im2col, switched call by call in one JVM (so the machine's drift falls on both), 2 threads.
 * <pre>
 *   javac --add-modules jdk.incubator.vector -cp app/target/cassl.jar -d /tmp/cls tools/perf/WinogradPair.java
 *   java --add-modules jdk.incubator.vector -XX:+UseSerialGC -cp /tmp/cls:app/target/cassl.jar org.cassl.tensor.cpu.WinogradPair 20 2,256,256,40,40 2,64,64,80,80
 * </pre>
 * Arguments: pairs, then shapes n,c,k,h,w. Prints medians (ms) and the median of per-pair ratios.
 */
public class WinogradPair {
  public static void main(String[] a) {
    int pairs = Integer.parseInt(a[0]);
    if (System.getProperty("band") != null) Winograd3x3.bandTiles = Integer.getInteger("band");
    Parallel par = new Parallel(2);
    CpuConv conv = new CpuConv(par, new CpuGemm(par, true));
    for (int s = 1; s < a.length; s++) {
      int[] d = Arrays.stream(a[s].split(",")).mapToInt(Integer::parseInt).toArray();
      Generator g = new Generator(1);
      Tensor x = Tensor.normal(g, 0, 1, DType.F32, d[0], d[1], d[3], d[4]);
      Tensor w = Tensor.normal(g, 0, 0.05, DType.F32, d[2], d[1], 3, 3);
      Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
      Tensor out = Tensor.zeros(DType.F32, d[0], d[2], d[3], d[4]);
      Tensor gi = Tensor.zeros(DType.F32, d[0], d[1], d[3], d[4]);
      double[][] f = new double[2][pairs], b = new double[2][pairs];
      for (int q = -3; q < pairs; q++) for (int k = 0; k < 2; k++) {
        int on = (q + k) % 2 == 0 ? 1 : 0; if (q < 0) on = k;
        System.setProperty(Winograd3x3.PROPERTY, Boolean.toString(on == 1));
        long t0 = System.nanoTime(); conv.forward(x, w, null, p, out);
        long t1 = System.nanoTime(); conv.backwardInput(out, w, p, gi);
        long t2 = System.nanoTime();
        if (q >= 0) { f[on][q] = (t1 - t0) / 1e6; b[on][q] = (t2 - t1) / 1e6; }
      }
      double gf = 2.0 * d[0] * d[1] * d[2] * 9 * d[3] * d[4] / 1e9;
      System.out.printf("%s fwd im2col %.2f ms (%.0f GF/s) wino %.2f ms (%.0f) ratio %.3f | dgrad im2col %.2f wino %.2f ratio %.3f%n",
          a[s], med(f[0]), gf / med(f[0]) * 1e3, med(f[1]), gf / med(f[1]) * 1e3, medRatio(f), med(b[0]), med(b[1]), medRatio(b));
    }
    par.close();
  }
  static double med(double[] v) { double[] c = v.clone(); Arrays.sort(c); return c[c.length / 2]; }
  static double medRatio(double[][] t) { double[] r = new double[t[0].length]; for (int i = 0; i < r.length; i++) r[i] = t[0][i] / t[1][i]; return med(r); }
}
