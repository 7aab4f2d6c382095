// im2col/col2im, pooling, interpolation and normalisation under emulation: forward against direct
// references, backward passes as exact adjoints (<f(x), y> == <x, f*(y)>) or against finite
// differences in float64.
#include "im2col.cu"
#include "interpolate.cu"
#include "norm.cu"
#include "pool.cu"
#include "emu_util.h"

static std::vector<double> rnd(size_t n) {
    std::vector<double> v(n);
    for (double& x : v) x = urand(-1, 1);
    return v;
}
static double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); i++) s += a[i] * b[i];
    return s;
}

static void test_im2col() {
    // C, H, W, kH, kW, sH, sW, pH, pW, dH, dW
    int cfgs[][11] = {{3, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1}, {2, 10, 8, 5, 3, 2, 1, 2, 1, 2, 1}, {4, 5, 5, 1, 1, 2, 2, 0, 0, 1, 1}};
    for (auto& q : cfgs) {
        int C = q[0], H = q[1], W = q[2], kH = q[3], kW = q[4];
        int OH = (H + 2 * q[7] - q[9] * (kH - 1) - 1) / q[5] + 1;
        int OW = (W + 2 * q[8] - q[10] * (kW - 1) - 1) / q[6] + 1;
        ConvGeom g{C, H, W, kH, kW, OH, OW, q[5], q[6], q[7], q[8], q[9], q[10]};
        int images = 2;
        auto x = rnd(images * C * H * W);
        std::vector<double> col(images * C * kH * kW * OH * OW, -9);
        emu::launch(im2col_f64, dim3{3, (unsigned)images, 1}, 256, (const double*)x.data(), col.data(), g);
        bool ok = true;
        for (int n = 0; n < images; n++)
            for (int c = 0; c < C; c++)
                for (int kh = 0; kh < kH; kh++)
                    for (int kw = 0; kw < kW; kw++)
                        for (int oh = 0; oh < OH; oh++)
                            for (int ow = 0; ow < OW; ow++) {
                                int h = oh * q[5] - q[7] + kh * q[9], w = ow * q[6] - q[8] + kw * q[10];
                                double e = h >= 0 && h < H && w >= 0 && w < W ? x[((n * C + c) * H + h) * W + w] : 0;
                                ok &= col[(((n * C + c) * kH + kh) * kW + kw) * OH * OW + oh * OW + ow] == e;
                            }
        CHECK(ok, "im2col C=%d H=%d W=%d k=%dx%d", C, H, W, kH, kW);
        auto y = rnd(col.size());
        std::vector<double> back(x.size(), -9);
        emu::launch(col2im_f64, dim3{3, (unsigned)images, 1}, 256, (const double*)y.data(), back.data(), g);
        CHECK(near(dot(col, y), dot(x, back), 1e-12, 1e-12), "col2im is the adjoint of im2col (k=%dx%d)", kH, kW);
    }
}

static void test_pool() {
    PoolGeom gs[] = {
        {2, 8, 9, 0, 0, 3, 3, 2, 2, 1, 1, 1, 1, 1},
        {2, 13, 7, 0, 0, 3, 2, 2, 1, 1, 0, 2, 1, 0},
        {1, 6, 6, 0, 0, 2, 2, 2, 2, 0, 0, 1, 1, 1},
    };
    for (PoolGeom g : gs) {
        // output size with ceil mode, as Pool2dParams.outSize
        auto outSize = [](int in, int k, int s, int p, int d) {
            int span = in + 2 * p - d * (k - 1) - 1;
            int o = (span + s - 1) / s + 1;
            if ((o - 1) * s >= in + p) o--;
            return o;
        };
        g.OH = outSize(g.H, g.kH, g.sH, g.pH, g.dH);
        g.OW = outSize(g.W, g.kW, g.sW, g.pW, g.dW);
        int nIn = g.planes * g.H * g.W, nOut = g.planes * g.OH * g.OW;
        std::vector<float> x(nIn);
        for (float& v : x) v = (float)irand(-3, 4);  // ties
        x[5] = NAN;
        std::vector<float> out(nOut);
        std::vector<long long> idx(nOut);
        emu::launch(max_pool2d_f32, gridFor(nOut), 256, (const float*)x.data(), out.data(), idx.data(), g);
        bool ok = true;
        for (int p = 0; p < g.planes; p++)
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++) {
                    int h0 = oh * g.sH - g.pH, w0 = ow * g.sW - g.pW;
                    int h1 = std::min(h0 + (g.kH - 1) * g.dH + 1, g.H), w1 = std::min(w0 + (g.kW - 1) * g.dW + 1, g.W);
                    while (h0 < 0) h0 += g.dH;
                    while (w0 < 0) w0 += g.dW;
                    long long best = (long long)h0 * g.W + w0;
                    float bv = -INFINITY;
                    for (int h = h0; h < h1; h += g.dH)
                        for (int w = w0; w < w1; w += g.dW) {
                            float v = x[p * g.H * g.W + h * g.W + w];
                            if (v > bv || std::isnan(v)) {
                                bv = v;
                                best = (long long)h * g.W + w;
                            }
                        }
                    int o = (p * g.OH + oh) * g.OW + ow;
                    ok &= idx[o] == best && ((std::isnan(bv) && std::isnan(out[o])) || out[o] == bv);
                }
        CHECK(ok, "max pool %dx%d stride %dx%d pad %dx%d dil %dx%d", g.kH, g.kW, g.sH, g.sW, g.pH, g.pW, g.dH, g.dW);
        // max-pool backward is the adjoint of gathering at the saved indices
        std::vector<double> xd = rnd(nIn), yd = rnd(nOut), gi(nIn, 0.0);
        long long err[4] = {0, 0, 0, 0};
        emu::launch(max_pool2d_bwd_f64, gridFor(nOut), 256, (const double*)yd.data(), (const long long*)idx.data(), gi.data(),
                    g.planes, g.OH * g.OW, g.H * g.W, err);
        double lhs = 0;
        for (int o = 0; o < nOut; o++) lhs += xd[(o / (g.OH * g.OW)) * g.H * g.W + idx[o]] * yd[o];
        CHECK(near(lhs, dot(xd, gi), 1e-12, 1e-12) && err[0] == 0, "max pool backward adjoint");
        if (g.dH == 1 && g.dW == 1) {
            std::vector<double> ya(nOut), ga(nIn, -9);
            emu::launch(avg_pool2d_f64, gridFor(nOut), 256, (const double*)xd.data(), ya.data(), g);
            emu::launch(avg_pool2d_bwd_f64, gridFor(nIn), 256, (const double*)yd.data(), ga.data(), g);
            CHECK(near(dot(ya, yd), dot(xd, ga), 1e-12, 1e-12), "avg pool backward adjoint (include_pad=%d)",
                  g.countIncludePad);
        }
    }
}

static void test_interp() {
    struct Cfg { int H, W, OH, OW; double sh, sw; int align; };
    Cfg cfgs[] = {{5, 7, 10, 14, -1, -1, 0}, {5, 7, 11, 16, 2.3, 2.25, 0}, {8, 8, 5, 3, -1, -1, 1}, {1, 1, 4, 4, -1, -1, 1},
                  {6, 4, 6, 4, -1, -1, 0}};
    for (Cfg c : cfgs) {
        InterpGeom g{2, c.H, c.W, c.OH, c.OW, c.align, c.sh, c.sw};
        int nIn = 2 * c.H * c.W, nOut = 2 * c.OH * c.OW;
        for (int bilinear = 0; bilinear < 2; bilinear++) {
            if (!bilinear && c.align) continue;
            auto x = rnd(nIn), y = rnd(nOut);
            std::vector<double> out(nOut), gi(nIn, 0.0);
            emu::launch(upsample2d_f64, gridFor(nOut), 256, (const double*)x.data(), out.data(), g, bilinear);
            emu::launch(upsample2d_bwd_f64, gridFor(nOut), 256, (const double*)y.data(), gi.data(), g, bilinear);
            CHECK(near(dot(out, y), dot(x, gi), 1e-12, 1e-12), "resize backward adjoint bilinear=%d %dx%d->%dx%d", bilinear,
                  c.H, c.W, c.OH, c.OW);
            // forward against PyTorch's formulas, written out independently
            bool ok = true;
            for (int p = 0; p < 2; p++)
                for (int oh = 0; oh < c.OH; oh++)
                    for (int ow = 0; ow < c.OW; ow++) {
                        double e;
                        if (!bilinear) {
                            auto idx = [](int o, int in, int outN, double s) {
                                if (outN == in) return o;
                                if (outN == 2 * in) return o / 2;
                                float sc = s > 0 ? (float)(1.0 / s) : (float)in / (float)outN;
                                return std::min((int)std::floor((float)o * sc), in - 1);
                            };
                            e = x[p * nIn / 2 + idx(oh, c.H, c.OH, c.sh) * c.W + idx(ow, c.W, c.OW, c.sw)];
                        } else {
                            auto src = [&](int o, int in, int outN, double s) {
                                double sc = c.align ? (outN > 1 ? (double)(in - 1) / (outN - 1) : 0.0)
                                                    : (s > 0 ? 1.0 / s : (double)in / outN);
                                double r = c.align ? sc * o : std::max(0.0, sc * (o + 0.5) - 0.5);
                                return r;
                            };
                            double sy = src(oh, c.H, c.OH, c.sh), sx = src(ow, c.W, c.OW, c.sw);
                            int y0 = (int)sy, x0 = (int)sx;
                            int y1 = y0 < c.H - 1 ? y0 + 1 : y0, x1 = x0 < c.W - 1 ? x0 + 1 : x0;
                            double ly = sy - y0, lx = sx - x0;
                            const double* pl = &x[p * nIn / 2];
                            e = (1 - ly) * ((1 - lx) * pl[y0 * c.W + x0] + lx * pl[y0 * c.W + x1]) +
                                ly * ((1 - lx) * pl[y1 * c.W + x0] + lx * pl[y1 * c.W + x1]);
                        }
                        ok &= near(out[(p * c.OH + oh) * c.OW + ow], e, 1e-12, 1e-12);
                    }
            CHECK(ok, "resize forward bilinear=%d align=%d %dx%d->%dx%d", bilinear, c.align, c.H, c.W, c.OH, c.OW);
        }
    }
}

// GroupNorm: forward against a direct computation, backward against central differences.
static void test_group_norm() {
    int N = 2, C = 6, HW = 5, G = 3;
    auto x = rnd(N * C * HW), w = rnd(C), b = rnd(C), dy = rnd(N * C * HW);
    auto fwd = [&](const std::vector<double>& xs, const std::vector<double>& ws, const std::vector<double>& bs,
                   std::vector<double>& out, std::vector<double>& mean, std::vector<double>& rstd) {
        out.assign(N * C * HW, 0);
        mean.assign(N * G, 0);
        rstd.assign(N * G, 0);
        emu::launch(group_norm_f64, dim3{2, 1, 1}, 64, (const double*)xs.data(), (const double*)ws.data(),
                    (const double*)bs.data(), N, C, HW, G, 1e-5, out.data(), mean.data(), rstd.data());
    };
    std::vector<double> out, mean, rstd;
    fwd(x, w, b, out, mean, rstd);
    bool ok = true;
    int D = C / G;
    for (int n = 0; n < N; n++)
        for (int g = 0; g < G; g++) {
            double m = 0, q = 0;
            for (int i = 0; i < D * HW; i++) m += x[(n * C + g * D) * HW + i];
            m /= D * HW;
            for (int i = 0; i < D * HW; i++) q += std::pow(x[(n * C + g * D) * HW + i] - m, 2);
            double rs = 1 / std::sqrt(q / (D * HW) + 1e-5);
            ok &= near(mean[n * G + g], m, 1e-12, 1e-12) && near(rstd[n * G + g], rs, 1e-12, 1e-12);
            for (int i = 0; i < D * HW; i++) {
                int c = g * D + i / HW, k = (n * C + g * D) * HW + i;
                ok &= near(out[k], (x[k] - m) * rs * w[c] + b[c], 1e-12, 1e-12);
            }
        }
    CHECK(ok, "group norm forward");
    std::vector<double> ds(N * C), db(N * C), dx(N * C * HW), dw(C), dbias(C);
    emu::launch(group_norm_bwd_sums_f64, dim3{3, 1, 1}, 64, (const double*)dy.data(), (const double*)x.data(), N * C, HW,
                ds.data(), db.data());
    emu::launch(group_norm_bwd_dx_f64, dim3{2, 1, 1}, 64, (const double*)dy.data(), (const double*)x.data(),
                (const double*)w.data(), (const double*)mean.data(), (const double*)rstd.data(), (const double*)ds.data(),
                (const double*)db.data(), N, C, HW, G, dx.data());
    emu::launch(group_norm_bwd_affine_f64, gridFor(C), 256, (const double*)mean.data(), (const double*)rstd.data(),
                (const double*)ds.data(), (const double*)db.data(), N, C, G, dw.data(), dbias.data());
    auto loss = [&](const std::vector<double>& xs, const std::vector<double>& ws, const std::vector<double>& bs) {
        std::vector<double> o, m, r;
        fwd(xs, ws, bs, o, m, r);
        return dot(o, dy);
    };
    const double h = 1e-6;
    bool okx = true, okw = true;
    for (int i = 0; i < N * C * HW; i += 7) {
        auto xp = x, xm = x;
        xp[i] += h;
        xm[i] -= h;
        okx &= near(dx[i], (loss(xp, w, b) - loss(xm, w, b)) / (2 * h), 1e-5, 1e-6);
    }
    for (int c = 0; c < C; c++) {
        auto wp = w, wm = w, bp = b, bm = b;
        wp[c] += h;
        wm[c] -= h;
        bp[c] += h;
        bm[c] -= h;
        okw &= near(dw[c], (loss(x, wp, b) - loss(x, wm, b)) / (2 * h), 1e-5, 1e-6);
        okw &= near(dbias[c], (loss(x, w, bp) - loss(x, w, bm)) / (2 * h), 1e-5, 1e-6);
    }
    CHECK(okx, "group norm grad x vs finite differences");
    CHECK(okw, "group norm grad weight/bias vs finite differences");
}

// BatchNorm in training mode: the statistics are functions of x, as NnOps.batchNorm computes them.
static void test_batch_norm() {
    int N = 3, C = 4, HW = 5;
    auto x = rnd(N * C * HW), w = rnd(C), b = rnd(C), dy = rnd(N * C * HW);
    auto stats = [&](const std::vector<double>& xs, std::vector<double>& mean, std::vector<double>& inv) {
        mean.assign(C, 0);
        inv.assign(C, 0);
        for (int c = 0; c < C; c++) {
            double m = 0, q = 0;
            for (int n = 0; n < N; n++)
                for (int i = 0; i < HW; i++) m += xs[(n * C + c) * HW + i];
            m /= N * HW;
            for (int n = 0; n < N; n++)
                for (int i = 0; i < HW; i++) q += std::pow(xs[(n * C + c) * HW + i] - m, 2);
            mean[c] = m;
            inv[c] = 1 / std::sqrt(q / (N * HW) + 1e-5);
        }
    };
    auto loss = [&](const std::vector<double>& xs, bool training, const std::vector<double>& fm, const std::vector<double>& fi) {
        std::vector<double> mean = fm, inv = fi, out(N * C * HW);
        if (training) stats(xs, mean, inv);
        emu::launch(batch_norm_f64, gridFor(N * C * HW), 256, (const double*)xs.data(), (const double*)mean.data(),
                    (const double*)inv.data(), (const double*)w.data(), (const double*)b.data(), N, C, HW, out.data());
        return dot(out, dy);
    };
    for (int training = 0; training < 2; training++) {
        std::vector<double> mean, inv;
        stats(x, mean, inv);
        std::vector<double> sdy(C), sdx(C), dx(N * C * HW), dw(C), dbias(C);
        emu::launch(batch_norm_bwd_sums_f64, dim3{2, 1, 1}, 64, (const double*)dy.data(), (const double*)x.data(),
                    (const double*)mean.data(), N, C, HW, sdy.data(), sdx.data());
        emu::launch(batch_norm_bwd_dx_f64, gridFor(N * C * HW), 256, (const double*)dy.data(), (const double*)x.data(),
                    (const double*)mean.data(), (const double*)inv.data(), (const double*)w.data(), (const double*)sdy.data(),
                    (const double*)sdx.data(), N, C, HW, training, dx.data());
        emu::launch(batch_norm_bwd_affine_f64, gridFor(C), 256, (const double*)inv.data(), (const double*)sdy.data(),
                    (const double*)sdx.data(), C, dw.data(), dbias.data());
        const double h = 1e-6;
        bool ok = true;
        for (int i = 0; i < N * C * HW; i += 5) {
            auto xp = x, xm = x;
            xp[i] += h;
            xm[i] -= h;
            ok &= near(dx[i], (loss(xp, training, mean, inv) - loss(xm, training, mean, inv)) / (2 * h), 1e-5, 1e-6);
        }
        double l0 = dot(dy, dy);  // keep dy referenced
        (void)l0;
        for (int c = 0; c < C; c++) {
            double e = 0, eb = 0;
            for (int n = 0; n < N; n++)
                for (int i = 0; i < HW; i++) {
                    int k = (n * C + c) * HW + i;
                    e += dy[k] * (x[k] - mean[c]) * inv[c];
                    eb += dy[k];
                }
            ok &= near(dw[c], e, 1e-12, 1e-12) && near(dbias[c], eb, 1e-12, 1e-12);
        }
        CHECK(ok, "batch norm backward (training=%d) vs finite differences", training);
    }
}

int main() {
    test_im2col();
    test_pool();
    test_interp();
    test_group_norm();
    test_batch_norm();
    return finish("nn");
}
