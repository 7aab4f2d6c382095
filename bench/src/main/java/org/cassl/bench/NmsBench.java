package org.cassl.bench;

import java.util.List;
import org.cassl.detection.kernels.DetectionKernels;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Tensor;

/**
 * Greedy NMS on N random boxes (corners uniform in [0, 1000), sides in [10, 110), uniform scores),
 * through the backend primitive the detector uses. The peer is {@code torchvision.ops.nms} on the
 * identical boxes (both sides draw them from the same 64-bit LCG).
 */
public final class NmsBench {
    private NmsBench() {
    }

    /** The benchmark's boxes {@code [n, 4]} and scores {@code [n]}. */
    static Tensor[] boxes(int n) {
        float[] b = new float[4 * n];
        float[] s = new float[n];
        long state = 42;
        double[] u = new double[5];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 5; k++) {
                state = state * 6364136223846793005L + 1442695040888963407L;
                u[k] = (state >>> 11) * 0x1.0p-53;
            }
            float x = (float) (1000 * u[0]);
            float y = (float) (1000 * u[1]);
            float w = (float) (10 + 100 * u[2]);
            float h = (float) (10 + 100 * u[3]);
            b[4 * i] = x;
            b[4 * i + 1] = y;
            b[4 * i + 2] = x + w;
            b[4 * i + 3] = y + h;
            s[i] = (float) u[4];
        }
        return new Tensor[] {Tensor.of(b, n, 4), Tensor.of(s, n)};
    }

    public static Result run(int n, double iou, int threads, int warmup, int reps, boolean peer) {
        if (n < 1 || threads < 1 || !(iou >= 0 && iou <= 1)) {
            throw new IllegalArgumentException("nms bench: boxes and threads must be positive and the IoU in [0, 1], got N="
                    + n + " threads=" + threads + " iou=" + iou);
        }
        Backends.setCpuThreads(threads);
        Tensor[] bs = boxes(n);
        Tensor[] small = boxes(2000);
        Timing.measure(() -> DetectionKernels.cpu().nms(small[0], small[1], iou), 20, 1.0, 1);
        double[] times = Timing.measure(() -> DetectionKernels.cpu().nms(bs[0], bs[1], iou), warmup, 0.5, reps);
        double median = Timing.median(times);
        String shape = n + " boxes, IoU " + iou;
        if (!peer) {
            return new Result("nms", shape, threads, reps, median, times[0], Double.NaN, null, null, null, "not requested");
        }
        PythonPeer.Outcome o = PythonPeer.run("nms_peer.py", threads, List.of("--boxes", Integer.toString(n), "--iou",
                Double.toString(iou), "--threads", Integer.toString(threads), "--reps", Integer.toString(Math.min(reps, 3))));
        return new Result("nms", shape, threads, reps, median, times[0], Double.NaN, o.library(), o.medianMs(), null,
                o.error());
    }
}
