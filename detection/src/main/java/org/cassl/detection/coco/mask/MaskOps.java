package org.cassl.detection.coco.mask;

import java.util.List;
import org.cassl.detection.coco.Bbox;

/**
 * Set operations on RLE masks and the IoU matrices COCO evaluation uses, with pycocotools'
 * semantics ({@code rleMerge}, {@code rleIou}, {@code bbIou}), including the crowd rule: against
 * a crowd ground truth the union is the detection's own area, so a detection inside a crowd
 * region scores its fraction covered.
 */
public final class MaskOps {
    private MaskOps() {}

    /**
     * The union ({@code intersect == false}) or intersection of masks of one size. One mask is
     * returned as is.
     *
     * @throws IllegalArgumentException for an empty list or masks of different sizes
     */
    public static Rle merge(List<Rle> masks, boolean intersect) {
        if (masks.isEmpty()) {
            throw new IllegalArgumentException("merge needs at least one mask");
        }
        Rle first = masks.get(0);
        int h = first.height();
        int w = first.width();
        for (Rle r : masks) {
            if (r.height() != h || r.width() != w) {
                throw new IllegalArgumentException("merge of masks of different sizes: " + h + "x" + w + " and "
                        + r.height() + "x" + r.width());
            }
        }
        if (masks.size() == 1 || (long) h * w == 0) {
            return first;
        }
        int[] acc = first.countsUnsafe();
        int accLen = acc.length;
        for (int i = 1; i < masks.size(); i++) {
            int[] b = masks.get(i).countsUnsafe();
            // Every boundary of the result is a boundary of A or B.
            int[] out = new int[accLen + b.length + 1];
            int m = mergeTwo(acc, accLen, b, out, intersect);
            acc = out;
            accLen = m;
        }
        return Rle.trusted(h, w, java.util.Arrays.copyOf(acc, accLen));
    }

    /** One step of maskApi.c's {@code rleMerge}: walks both run lists and emits a run at every value change. */
    private static int mergeTwo(int[] a, int aLen, int[] b, int[] out, boolean intersect) {
        long ca = a[0];
        long cb = b[0];
        boolean v = false;
        boolean va = false;
        boolean vb = false;
        int m = 0;
        int ia = 1;
        int ib = 1;
        long cc = 0;
        long ct = 1;
        while (ct > 0) {
            long c = Math.min(ca, cb);
            cc += c;
            ct = 0;
            ca -= c;
            if (ca == 0 && ia < aLen) {
                ca = a[ia++];
                va = !va;
            }
            ct += ca;
            cb -= c;
            if (cb == 0 && ib < b.length) {
                cb = b[ib++];
                vb = !vb;
            }
            ct += cb;
            boolean vp = v;
            v = intersect ? va && vb : va || vb;
            if (v != vp || ct == 0) {
                out[m++] = (int) cc;
                cc = 0;
            }
        }
        return m;
    }

    /**
     * The IoU matrix {@code [D][G]} between detection and ground-truth masks. For a crowd ground
     * truth the union is the detection's area. Pairs whose boxes do not overlap are 0 without
     * walking the runs, as in pycocotools.
     *
     * @param crowd per ground truth, whether it is a crowd region ({@code null}: none is)
     * @throws IllegalArgumentException if a detection and a ground truth differ in size
     */
    public static double[][] iou(List<Rle> dt, List<Rle> gt, boolean[] crowd) {
        int d = dt.size();
        int g = gt.size();
        double[][] db = new double[d][];
        double[][] gb = new double[g][];
        for (int i = 0; i < d; i++) {
            db[i] = dt.get(i).toBbox().toArray();
        }
        for (int j = 0; j < g; j++) {
            gb[j] = gt.get(j).toBbox().toArray();
        }
        double[][] o = boxIou(db, gb, crowd);
        for (int j = 0; j < g; j++) {
            boolean isCrowd = crowd != null && crowd[j];
            Rle gr = gt.get(j);
            for (int i = 0; i < d; i++) {
                if (o[i][j] > 0) {
                    Rle dr = dt.get(i);
                    if (dr.height() != gr.height() || dr.width() != gr.width()) {
                        throw new IllegalArgumentException("mask IoU of different sizes: detection " + dr.height() + "x"
                                + dr.width() + ", ground truth " + gr.height() + "x" + gr.width());
                    }
                    o[i][j] = rleIou(dr.countsUnsafe(), gr.countsUnsafe(), isCrowd, dr);
                }
            }
        }
        return o;
    }

    private static double rleIou(int[] a, int[] b, boolean crowd, Rle dt) {
        long ca = a[0];
        long cb = b[0];
        boolean va = false;
        boolean vb = false;
        int ia = 1;
        int ib = 1;
        long inter = 0;
        long union = 0;
        long ct = 1;
        while (ct > 0) {
            long c = Math.min(ca, cb);
            if (va || vb) {
                union += c;
                if (va && vb) {
                    inter += c;
                }
            }
            ct = 0;
            ca -= c;
            if (ca == 0 && ia < a.length) {
                ca = a[ia++];
                va = !va;
            }
            ct += ca;
            cb -= c;
            if (cb == 0 && ib < b.length) {
                cb = b[ib++];
                vb = !vb;
            }
            ct += cb;
        }
        if (inter == 0) {
            union = 1;
        } else if (crowd) {
            union = dt.area();
        }
        return (double) inter / (double) union;
    }

    /**
     * The IoU matrix {@code [D][G]} between boxes {@code [x, y, w, h]} (pycocotools' {@code bbIou});
     * for a crowd ground truth the union is the detection box's area.
     */
    public static double[][] boxIou(double[][] dt, double[][] gt, boolean[] crowd) {
        double[][] o = new double[dt.length][gt.length];
        for (int j = 0; j < gt.length; j++) {
            double[] g = gt[j];
            double ga = g[2] * g[3];
            boolean isCrowd = crowd != null && crowd[j];
            for (int i = 0; i < dt.length; i++) {
                double[] d = dt[i];
                double da = d[2] * d[3];
                double w = Math.min(d[2] + d[0], g[2] + g[0]) - Math.max(d[0], g[0]);
                if (w <= 0) {
                    continue;
                }
                double h = Math.min(d[3] + d[1], g[3] + g[1]) - Math.max(d[1], g[1]);
                if (h <= 0) {
                    continue;
                }
                double inter = w * h;
                double union = isCrowd ? da : da + ga - inter;
                o[i][j] = inter / union;
            }
        }
        return o;
    }

    /** {@link #boxIou(double[][], double[][], boolean[])} for {@link Bbox} lists. */
    public static double[][] boxIou(List<Bbox> dt, List<Bbox> gt, boolean[] crowd) {
        double[][] d = new double[dt.size()][];
        double[][] g = new double[gt.size()][];
        for (int i = 0; i < d.length; i++) {
            d[i] = dt.get(i).toArray();
        }
        for (int j = 0; j < g.length; j++) {
            g[j] = gt.get(j).toArray();
        }
        return boxIou(d, g, crowd);
    }
}
