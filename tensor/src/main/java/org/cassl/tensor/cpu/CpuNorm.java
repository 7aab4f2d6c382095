package org.cassl.tensor.cpu;

import org.cassl.tensor.Tensor;

/**
 * GroupNorm and BatchNorm kernels over {@code x [N,C,*]}, seen as rows {@code [N*C, S]} with
 * {@code S} the product of the trailing dims. Statistics and gradient sums accumulate in double;
 * float32 outputs use PyTorch's per-channel {@code y = x*scale + bias} form in float.
 * Strided inputs are made dense first (these kernels are memory bound).
 */
final class CpuNorm {
    private static final int GRAIN = 1 << 14;

    private final Parallel par;

    CpuNorm(Parallel par) {
        this.par = par;
    }

    private static int rowLength(Tensor x) {
        int s = 1;
        for (int d = 2; d < x.dim(); d++) {
            s *= x.size(d);
        }
        return s;
    }

    private static void write(Tensor t, int i, double v) {
        if (t != null) {
            ElementAccess.setD(ElementAccess.array(t), t.dtype(), t.offset() + i * (t.dim() == 0 ? 0 : t.stride(-1)), v);
        }
    }

    private static double sum(Object a, int off, int len) {
        double acc = 0;
        if (a instanceof float[] f) {
            for (int i = 0; i < len; i++) {
                acc += f[off + i];
            }
        } else {
            double[] v = (double[]) a;
            for (int i = 0; i < len; i++) {
                acc += v[off + i];
            }
        }
        return acc;
    }

    private static double squaredDeviation(Object a, int off, int len, double mu) {
        double acc = 0;
        if (a instanceof float[] f) {
            for (int i = 0; i < len; i++) {
                double v = f[off + i] - mu;
                acc += v * v;
            }
        } else {
            double[] x = (double[]) a;
            for (int i = 0; i < len; i++) {
                double v = x[off + i] - mu;
                acc += v * v;
            }
        }
        return acc;
    }

    // ---- group norm ---------------------------------------------------------------------------

    /** GroupNorm with {@code out = relu?(gn(x) + residual)} in its output pass ({@code residual} may be null). */
    void groupNorm(Tensor x, Tensor weight, Tensor bias, int groups, double eps, Tensor residual, boolean relu, Tensor out,
                   Tensor mean, Tensor rstd) {
        Tensor xd = KernelViews.dense(par, x);
        Tensor rd = residual == null ? null : KernelViews.dense(par, residual);
        Object rsa = rd == null ? null : ElementAccess.array(rd);
        int rso = rd == null ? 0 : rd.offset();
        int n = x.size(0);
        int c = x.size(1);
        int s = rowLength(x);
        int cpg = c / groups;
        int d = cpg * s;
        double[] w = KernelViews.doubles(weight);
        double[] b = KernelViews.doubles(bias);
        Object xa = ElementAccess.array(xd);
        Object oa = ElementAccess.array(out);
        int xo = xd.offset();
        int oo = out.offset();
        boolean f32 = KernelViews.isF32(x);
        Object ma = ElementAccess.array(mean);
        Object ra = ElementAccess.array(rstd);
        par.forRange(n * groups, Math.max(1, GRAIN / Math.max(1, d)), (st, en) -> {
            for (int ng = st; ng < en; ng++) {
                int base = ng * d;
                double mu = d > 0 ? sum(xa, xo + base, d) / d : 0;
                double var = d > 0 ? squaredDeviation(xa, xo + base, d, mu) / d : 0;
                double r = 1.0 / Math.sqrt(Math.max(var, 0) + eps);
                ElementAccess.setD(ma, mean.dtype(), mean.offset() + ng, mu);
                ElementAccess.setD(ra, rstd.dtype(), rstd.offset() + ng, r);
                int g = ng % groups;
                for (int j = 0; j < cpg; j++) {
                    int ch = g * cpg + j;
                    int row = base + j * s;
                    if (f32) {
                        float scale = (float) r * (w == null ? 1f : (float) w[ch]);
                        float shift = -scale * (float) mu + (b == null ? 0f : (float) b[ch]);
                        AffineRow.f32((float[]) xa, xo + row, (float[]) oa, oo + row, (float[]) rsa, rso + row, s, scale,
                                shift, relu);
                    } else {
                        double scale = r * (w == null ? 1 : w[ch]);
                        double shift = -scale * mu + (b == null ? 0 : b[ch]);
                        AffineRow.f64((double[]) xa, xo + row, (double[]) oa, oo + row, (double[]) rsa, rso + row, s, scale,
                                shift, relu);
                    }
                }
            }
        });
    }

    /**
     * With {@code ds = sum(dy*x)}, {@code db = sum(dy)} per (n, c) and per group
     * {@code dsg = sum_c ds*w}, {@code dbg = sum_c db*w} over {@code D = C/G * S} elements:
     * {@code dx = rstd*w*dy + c2*x + c3}, {@code c2 = (dbg*mean - dsg)*rstd^3/D},
     * {@code c3 = -c2*mean - dbg*rstd/D}; {@code dw = sum_n (ds - db*mean)*rstd}, {@code db = sum_n db}.
     */
    void groupNormBackward(Tensor gradOut, Tensor x, Tensor weight, Tensor mean, Tensor rstd, int groups, Tensor gradX,
                           Tensor gradW, Tensor gradB) {
        Tensor xd = KernelViews.dense(par, x);
        Tensor gd = KernelViews.dense(par, gradOut);
        int n = x.size(0);
        int c = x.size(1);
        int s = rowLength(x);
        int cpg = c / groups;
        double[] w = KernelViews.doubles(weight);
        double[] mu = KernelViews.doubles(mean.reshape(-1));
        double[] rs = KernelViews.doubles(rstd.reshape(-1));
        Object xa = ElementAccess.array(xd);
        Object ga = ElementAccess.array(gd);
        int xo = xd.offset();
        int go = gd.offset();
        double[] ds = new double[n * c];
        double[] db = new double[n * c];
        par.forRange(n * c, Math.max(1, GRAIN / Math.max(1, s)), (st, en) -> {
            for (int row = st; row < en; row++) {
                double a = 0;
                double bsum = 0;
                int off = row * s;
                if (xa instanceof float[] xf) {
                    float[] gf = (float[]) ga;
                    for (int k = 0; k < s; k++) {
                        double g = gf[go + off + k];
                        a += g * xf[xo + off + k];
                        bsum += g;
                    }
                } else {
                    double[] xv = (double[]) xa;
                    double[] gv = (double[]) ga;
                    for (int k = 0; k < s; k++) {
                        double g = gv[go + off + k];
                        a += g * xv[xo + off + k];
                        bsum += g;
                    }
                }
                ds[row] = a;
                db[row] = bsum;
            }
        });
        if (gradX != null) {
            Object oa = ElementAccess.array(gradX);
            int oo = gradX.offset();
            double dcount = (double) cpg * s;
            par.forRange(n * groups, Math.max(1, GRAIN / Math.max(1, cpg * s)), (st, en) -> {
                for (int ng = st; ng < en; ng++) {
                    int nn = ng / groups;
                    int g = ng % groups;
                    double dsg = 0;
                    double dbg = 0;
                    for (int j = 0; j < cpg; j++) {
                        int ch = g * cpg + j;
                        double wc = w == null ? 1 : w[ch];
                        dsg += ds[nn * c + ch] * wc;
                        dbg += db[nn * c + ch] * wc;
                    }
                    double m = mu[ng];
                    double r = rs[ng];
                    double c2 = (dbg * m - dsg) * r * r * r / dcount;
                    double c3 = -c2 * m - dbg * r / dcount;
                    for (int j = 0; j < cpg; j++) {
                        int ch = g * cpg + j;
                        double c1 = r * (w == null ? 1 : w[ch]);
                        int off = (nn * c + ch) * s;
                        if (xa instanceof float[] xf) {
                            float[] gf = (float[]) ga;
                            float[] of = (float[]) oa;
                            for (int k = 0; k < s; k++) {
                                of[oo + off + k] = (float) (c1 * gf[go + off + k] + c2 * xf[xo + off + k] + c3);
                            }
                        } else {
                            double[] xv = (double[]) xa;
                            double[] gv = (double[]) ga;
                            double[] ov = (double[]) oa;
                            for (int k = 0; k < s; k++) {
                                ov[oo + off + k] = c1 * gv[go + off + k] + c2 * xv[xo + off + k] + c3;
                            }
                        }
                    }
                }
            });
        }
        for (int ch = 0; ch < c; ch++) {
            double gw = 0;
            double gb = 0;
            for (int nn = 0; nn < n; nn++) {
                int ng = nn * groups + ch / cpg;
                gw += (ds[nn * c + ch] - db[nn * c + ch] * mu[ng]) * rs[ng];
                gb += db[nn * c + ch];
            }
            write(gradW, ch, gw);
            write(gradB, ch, gb);
        }
    }

    // ---- batch norm ---------------------------------------------------------------------------

    /** BatchNorm with {@code out = relu?(bn(x) + residual)} in its output pass ({@code residual} may be null). */
    void batchNorm(Tensor x, Tensor mean, Tensor invStd, Tensor weight, Tensor bias, Tensor residual, boolean relu,
                   Tensor out) {
        Tensor xd = KernelViews.dense(par, x);
        Tensor rd = residual == null ? null : KernelViews.dense(par, residual);
        Object rsa = rd == null ? null : ElementAccess.array(rd);
        int rso = rd == null ? 0 : rd.offset();
        int c = x.size(1);
        int s = rowLength(x);
        int rows = x.size(0) * c;
        double[] mu = KernelViews.doubles(mean);
        double[] inv = KernelViews.doubles(invStd);
        double[] w = KernelViews.doubles(weight);
        double[] b = KernelViews.doubles(bias);
        Object xa = ElementAccess.array(xd);
        Object oa = ElementAccess.array(out);
        int xo = xd.offset();
        int oo = out.offset();
        par.forRange(rows, Math.max(1, GRAIN / Math.max(1, s)), (st, en) -> {
            for (int row = st; row < en; row++) {
                int ch = row % c;
                int off = row * s;
                if (xa instanceof float[] xf) {
                    // PyTorch: alpha = invstd*w, beta = b - mean*alpha, y = x*alpha + beta (float)
                    float alpha = (float) inv[ch] * (w == null ? 1f : (float) w[ch]);
                    float beta = (b == null ? 0f : (float) b[ch]) - (float) mu[ch] * alpha;
                    AffineRow.f32(xf, xo + off, (float[]) oa, oo + off, (float[]) rsa, rso + off, s, alpha, beta, relu);
                } else {
                    double alpha = inv[ch] * (w == null ? 1 : w[ch]);
                    double beta = (b == null ? 0 : b[ch]) - mu[ch] * alpha;
                    AffineRow.f64((double[]) xa, xo + off, (double[]) oa, oo + off, (double[]) rsa, rso + off, s, alpha,
                            beta, relu);
                }
            }
        });
    }

    /**
     * Per channel {@code sum = sum(dy)}, {@code dot = sum((x-mean)*dy)} over the M = N*S values;
     * training: {@code dx = (dy - sum/M - (x-mean)*dot*invStd^2/M) * invStd * w}; fixed
     * statistics: {@code dx = dy * invStd * w}. {@code dw = dot*invStd}, {@code db = sum}.
     */
    void batchNormBackward(Tensor gradOut, Tensor x, Tensor mean, Tensor invStd, Tensor weight, boolean training,
                           Tensor gradX, Tensor gradW, Tensor gradB) {
        Tensor xd = KernelViews.dense(par, x);
        Tensor gd = KernelViews.dense(par, gradOut);
        int c = x.size(1);
        int s = rowLength(x);
        int rows = x.size(0) * c;
        double[] mu = KernelViews.doubles(mean);
        double[] inv = KernelViews.doubles(invStd);
        double[] w = KernelViews.doubles(weight);
        Object xa = ElementAccess.array(xd);
        Object ga = ElementAccess.array(gd);
        int xo = xd.offset();
        int go = gd.offset();
        double[] rowSum = new double[rows];
        double[] rowDot = new double[rows];
        boolean needSums = training || gradW != null || gradB != null;
        if (needSums) {
            par.forRange(rows, Math.max(1, GRAIN / Math.max(1, s)), (st, en) -> {
                for (int row = st; row < en; row++) {
                    double m = mu[row % c];
                    int off = row * s;
                    double sum = 0;
                    double dot = 0;
                    if (xa instanceof float[] xf) {
                        float[] gf = (float[]) ga;
                        for (int k = 0; k < s; k++) {
                            double g = gf[go + off + k];
                            sum += g;
                            dot += (xf[xo + off + k] - m) * g;
                        }
                    } else {
                        double[] xv = (double[]) xa;
                        double[] gv = (double[]) ga;
                        for (int k = 0; k < s; k++) {
                            double g = gv[go + off + k];
                            sum += g;
                            dot += (xv[xo + off + k] - m) * g;
                        }
                    }
                    rowSum[row] = sum;
                    rowDot[row] = dot;
                }
            });
        }
        double[] sum = new double[c];
        double[] dot = new double[c];
        for (int row = 0; row < rows; row++) {
            sum[row % c] += rowSum[row];
            dot[row % c] += rowDot[row];
        }
        for (int ch = 0; ch < c; ch++) {
            write(gradW, ch, dot[ch] * inv[ch]);
            write(gradB, ch, sum[ch]);
        }
        if (gradX == null) {
            return;
        }
        double count = (double) x.size(0) * s;
        Object oa = ElementAccess.array(gradX);
        int oo = gradX.offset();
        par.forRange(rows, Math.max(1, GRAIN / Math.max(1, s)), (st, en) -> {
            for (int row = st; row < en; row++) {
                int ch = row % c;
                int off = row * s;
                double m = mu[ch];
                double scale = inv[ch] * (w == null ? 1 : w[ch]);
                double gradMean = training ? sum[ch] / count : 0;
                double k = training ? dot[ch] * inv[ch] * inv[ch] / count : 0;
                if (xa instanceof float[] xf) {
                    float[] gf = (float[]) ga;
                    float[] of = (float[]) oa;
                    for (int i = 0; i < s; i++) {
                        of[oo + off + i] = (float) ((gf[go + off + i] - gradMean - (xf[xo + off + i] - m) * k) * scale);
                    }
                } else {
                    double[] xv = (double[]) xa;
                    double[] gv = (double[]) ga;
                    double[] ov = (double[]) oa;
                    for (int i = 0; i < s; i++) {
                        ov[oo + off + i] = (gv[go + off + i] - gradMean - (xv[xo + off + i] - m) * k) * scale;
                    }
                }
            }
        });
    }
}
