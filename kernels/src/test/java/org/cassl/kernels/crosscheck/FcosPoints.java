package org.cassl.kernels.crosscheck;

import org.cassl.tensor.Tensor;

/**
 * The FCOS anchor points of one padded image (torchvision 0.14 rules, fcos.md §2): levels P3-P7,
 * feature sizes halving with ceil from stride 8, stride = padded size / feature size (integer
 * division), anchor centres at (j*stride_w, i*stride_h) with no half-stride offset, anchor sizes
 * 8..128, scale range (4s, 8s) with 0 below the first and +inf above the last level.
 *
 * @param centers [P,2] (x, y)
 * @param sizes   [P] anchor sizes
 * @param lower   [P] lower scale bounds
 * @param upper   [P] upper scale bounds
 */
public record FcosPoints(Tensor centers, Tensor sizes, Tensor lower, Tensor upper) {

    public int count() {
        return sizes.numel();
    }

    public static FcosPoints forImage(int paddedH, int paddedW) {
        int[] fh = new int[5];
        int[] fw = new int[5];
        fh[0] = (paddedH + 7) / 8;
        fw[0] = (paddedW + 7) / 8;
        for (int l = 1; l < 5; l++) {
            fh[l] = (fh[l - 1] + 1) / 2;
            fw[l] = (fw[l - 1] + 1) / 2;
        }
        int total = 0;
        for (int l = 0; l < 5; l++) {
            total += fh[l] * fw[l];
        }
        double[] c = new double[total * 2];
        double[] s = new double[total];
        double[] lo = new double[total];
        double[] hi = new double[total];
        int p = 0;
        for (int l = 0; l < 5; l++) {
            int sh = paddedH / fh[l];
            int sw = paddedW / fw[l];
            double size = 8 << l;
            for (int i = 0; i < fh[l]; i++) {
                for (int j = 0; j < fw[l]; j++) {
                    c[2 * p] = j * sw;
                    c[2 * p + 1] = i * sh;
                    s[p] = size;
                    lo[p] = l == 0 ? 0 : 4 * size;
                    hi[p] = l == 4 ? Double.POSITIVE_INFINITY : 8 * size;
                    p++;
                }
            }
        }
        return new FcosPoints(Tensor.of(c, total, 2), Tensor.of(s, total), Tensor.of(lo, total), Tensor.of(hi, total));
    }
}
