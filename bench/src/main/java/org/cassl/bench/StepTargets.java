package org.cassl.bench;

import org.cassl.detection.Target;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;

/**
 * The ground truth of the training-step benchmark: {@code n} boxes per image (four by default; the
 * same formula as the peer script's) and, for the mask heads, one synthetic instance mask per box:
 * the ellipse inscribed in the box, as U8 {@code [n, size, size]}.
 */
final class StepTargets {
    /** Boxes per image by default (what the peer has always used). */
    static final int BOXES = 4;

    private StepTargets() {
    }

    /** Image {@code i}'s {@code n} boxes {@code [n, 4]} (x1, y1, x2, y2) and labels in {@code [1, numClasses)}. */
    static Target boxes(int i, int n, int size, int numClasses) {
        float[] b = new float[4 * n];
        long[] l = new long[n];
        for (int k = 0; k < n; k++) {
            int x = 8 + (37 * (i + 1) * (k + 3)) % (size / 2);
            int y = 8 + (53 * (i + 2) * (k + 1)) % (size / 2);
            int w = 16 + (29 * (k + 1) * (i + 1)) % (size / 3);
            b[4 * k] = x;
            b[4 * k + 1] = y;
            b[4 * k + 2] = x + w;
            b[4 * k + 3] = y + w;
            l[k] = 1 + (i + k) % (numClasses - 1);
        }
        return new Target(Tensor.of(b, n, 4), Tensor.of(l, n));
    }

    /** {@link #boxes} with masks: pixel (x, y) is inside box k's mask when its centre is in the inscribed ellipse. */
    static Target withMasks(int i, int n, int size, int numClasses) {
        Target t = boxes(i, n, size, numClasses);
        float[] b = t.boxes().toFloatArray();
        byte[] m = new byte[n * size * size];
        for (int k = 0; k < n; k++) {
            double cx = (b[4 * k] + b[4 * k + 2]) / 2.0;
            double cy = (b[4 * k + 1] + b[4 * k + 3]) / 2.0;
            double rx = (b[4 * k + 2] - b[4 * k]) / 2.0;
            double ry = (b[4 * k + 3] - b[4 * k + 1]) / 2.0;
            for (int y = 0; y < size; y++) {
                double dy = (y + 0.5 - cy) / ry;
                for (int x = 0; x < size; x++) {
                    double dx = (x + 0.5 - cx) / rx;
                    if (dx * dx + dy * dy <= 1) {
                        m[(k * size + y) * size + x] = 1;
                    }
                }
            }
        }
        return new Target(t.boxes(), t.labels(), Tensor.of(m, DType.U8, n, size, size));
    }
}
