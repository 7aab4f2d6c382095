// NMS (bitmask + scan), FCOS assignment and RoIAlign under emulation.
#include "fcos_assign.cu"
#include "nms.cu"
#include "roi_align.cu"
#include "scan.cu"
#include "emu_util.h"

static std::vector<float> boxes(int n, float w, float h) {
    std::vector<float> b(4 * n);
    for (int i = 0; i < n; i++) {
        float bw = (float)urand(5, 120), bh = (float)urand(5, 120);
        float x = (float)urand(0, w - bw), y = (float)urand(0, h - bh);
        b[4 * i] = x;
        b[4 * i + 1] = y;
        b[4 * i + 2] = x + bw;
        b[4 * i + 3] = y + bh;
    }
    return b;
}

// boxes already in descending score order: greedy reference with torchvision's IoU
static std::vector<int> greedy(const std::vector<float>& b, int n, double thr) {
    std::vector<int> keep;
    std::vector<bool> removed(n);
    for (int i = 0; i < n; i++) {
        if (removed[i]) continue;
        keep.push_back(i);
        for (int j = i + 1; j < n; j++) {
            float w = std::max(0.0f, std::min(b[4 * i + 2], b[4 * j + 2]) - std::max(b[4 * i], b[4 * j]));
            float h = std::max(0.0f, std::min(b[4 * i + 3], b[4 * j + 3]) - std::max(b[4 * i + 1], b[4 * j + 1]));
            float inter = w * h;
            float ai = (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]);
            float aj = (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]);
            if ((double)(inter / (ai + aj - inter)) > thr) removed[j] = true;
        }
    }
    return keep;
}

static void test_nms() {
    for (int n : {1, 63, 64, 65, 200, 700}) {
        for (double thr : {0.3, 0.7}) {
            auto b = boxes(n, 400, 300);
            int cb = (n + 63) / 64;
            std::vector<unsigned long long> mask((size_t)n * cb, 0xdeadbeefull), removed(cb, 0);
            std::vector<int> keep(n, -1);
            emu::launch(nms_mask_f32, dim3{(unsigned)cb, (unsigned)cb, 1}, 64, (const float*)b.data(), n, thr, mask.data());
            emu::launch(nms_scan, dim3{1, 1, 1}, 256, (const unsigned long long*)mask.data(), n, removed.data(), keep.data());
            auto ref = greedy(b, n, thr);
            std::vector<int> got;
            for (int i = 0; i < n; i++)
                if (keep[i]) got.push_back(i);
            CHECK(got == ref, "nms n=%d thr=%.1f kept %zu, reference %zu", n, thr, got.size(), ref.size());
            // compaction through the scan, mapped through a sort order
            std::vector<int> pos(n);
            emu::launch(scan_tiles, dim3{1, 1, 1}, 256, (const int*)keep.data(), pos.data(), n, (int*)nullptr);
            std::vector<long long> order(n), out(ref.size());
            for (int i = 0; i < n; i++) order[i] = 1000 + i;
            emu::launch(compact_indices, gridFor(n), 256, (const int*)keep.data(), (const int*)pos.data(), n,
                        (const long long*)order.data(), out.data());
            bool ok = true;
            for (size_t k = 0; k < ref.size(); k++) ok &= out[k] == 1000 + ref[k];
            CHECK(ok, "nms compaction n=%d", n);
        }
    }
}

static void test_fcos() {
    // a few hundred points on three levels and boxes of all sizes
    std::vector<float> c, s, lo, hi;
    for (int l = 0; l < 3; l++) {
        float size = (float)(8 << l), stride = size;
        for (int i = 0; i < 12; i++)
            for (int j = 0; j < 17; j++) {
                c.push_back(j * stride);
                c.push_back(i * stride);
                s.push_back(size);
                lo.push_back(l == 0 ? 0 : 4 * size);
                hi.push_back(l == 2 ? INFINITY : 8 * size);
            }
    }
    int P = (int)s.size();
    for (int G : {0, 1, 40, 300}) {
        std::vector<float> gt;
        for (int g = 0; g < G; g++) {
            float bw = (float)urand(4, 90), bh = (float)urand(4, 90);
            float x = (float)urand(-10, 120), y = (float)urand(-10, 80);
            gt.insert(gt.end(), {x, y, x + bw, y + bh});
        }
        if (G >= 2) {  // two equal boxes: the lower index wins
            for (int k = 0; k < 4; k++) gt[4 + k] = gt[k];
        }
        std::vector<long long> m(P, -7);
        emu::launch(fcos_assign_f32, dim3{(unsigned)((P + 255) / 256), 1, 1}, 256, (const float*)c.data(),
                    (const float*)s.data(), (const float*)lo.data(), (const float*)hi.data(), (const float*)gt.data(), P, G,
                    1.5, m.data());
        bool ok = true;
        for (int p = 0; p < P; p++) {
            float x = c[2 * p], y = c[2 * p + 1];
            float best = 0;
            long long bi = -1;
            for (int g = 0; g < G; g++) {
                float x0 = gt[4 * g], y0 = gt[4 * g + 1], x1 = gt[4 * g + 2], y1 = gt[4 * g + 3];
                float cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
                bool match = std::max(std::fabs(x - cx), std::fabs(y - cy)) < 1.5f * s[p];
                float l = x - x0, t = y - y0, r = x1 - x, b = y1 - y;
                match = match && std::min(std::min(l, t), std::min(r, b)) > 0;
                float mx = std::max(std::max(l, t), std::max(r, b));
                match = match && mx > lo[p] && mx < hi[p];
                float val = match ? 1e8f - (x1 - x0) * (y1 - y0) : 0.0f;
                if (val > best) {
                    best = val;
                    bi = g;
                }
            }
            ok &= m[p] == (best < 1e-5f ? -1 : bi);
        }
        CHECK(ok, "fcos assignment P=%d G=%d", P, G);
    }
}

static void test_roi_align() {
    int N = 2, C = 3, H = 9, W = 11, PH = 4, PW = 3, R = 6;
    std::vector<double> rois;
    for (int r = 0; r < R; r++) {
        double x = urand(-4, 18), y = urand(-4, 14);
        rois.insert(rois.end(), {(double)(r % N), x, y, x + urand(0.3, 12), y + urand(0.3, 10)});
    }
    std::vector<double> x(N * C * H * W), y(R * C * PH * PW), out(R * C * PH * PW), gi(N * C * H * W, 0.0);
    for (double& v : x) v = urand(-1, 1);
    for (double& v : y) v = urand(-1, 1);
    for (int aligned = 0; aligned < 2; aligned++)
        for (int sampling : {0, 2}) {
            RoiGeom g{R, N, C, H, W, PH, PW, sampling, aligned, 0, 0.5};
            long long err[4] = {0, 0, 0, 0};
            std::fill(gi.begin(), gi.end(), 0.0);
            emu::launch(roi_align_f64, gridFor(out.size()), 256, (const double*)x.data(), (const double*)rois.data(), out.data(),
                        g, err);
            emu::launch(roi_align_bwd_f64, gridFor(out.size()), 256, (const double*)y.data(), (const double*)rois.data(),
                        gi.data(), g, err);
            double lhs = 0, rhs = 0;
            for (size_t i = 0; i < out.size(); i++) lhs += out[i] * y[i];
            for (size_t i = 0; i < gi.size(); i++) rhs += x[i] * gi[i];
            CHECK(near(lhs, rhs, 1e-12, 1e-12) && err[0] == 0, "roi_align backward adjoint aligned=%d sampling=%d", aligned,
                  sampling);
        }
    // a batch index outside [0, N) is reported through the error word
    rois[0] = 5;
    RoiGeom g{R, N, C, H, W, PH, PW, 2, 0, 0, 0.5};
    long long err[4] = {0, 0, 0, 0};
    emu::launch(roi_align_f64, gridFor(out.size()), 256, (const double*)x.data(), (const double*)rois.data(), out.data(), g,
                err);
    CHECK(err[0] == ERR_INDEX_RANGE && err[1] == 5 && err[2] == N, "roi_align reports a bad batch index");
}

int main() {
    test_nms();
    test_fcos();
    test_roi_align();
    return finish("detection");
}
