// reduce.cu under emulation: every strategy of CudaReduce.plan (warp per output, block per
// output, split + second pass), argmax/argmin with NaN and ties, multi-tile cumsum.
#include "reduce.cu"
#include "emu_util.h"

static double ref_reduce(int op, const std::vector<float>& x, int begin, int count, int stride) {
    double acc = op == R_PROD || op == R_ALL ? 1 : op == R_MAX ? -INFINITY : op == R_MIN ? INFINITY : 0;
    bool nan = false;
    for (int j = 0; j < count; j++) {
        double v = x[begin + j * stride];
        switch (op) {
            case R_SUM: acc += v; break;
            case R_PROD: acc *= v; break;
            case R_MAX: if (std::isnan(v)) nan = true; else acc = std::max(acc, v); break;
            case R_MIN: if (std::isnan(v)) nan = true; else acc = std::min(acc, v); break;
            case R_ANY: if (v != 0) acc = 1; break;
            default: if (v == 0) acc = 0; break;
        }
    }
    return nan ? NAN : acc;
}

// x [outer, inner] contiguous, reduced over dim 1 (keep desc: [outer] stride inner; red: [inner] stride 1)
static void test_reduce(int outer, int inner, int tpo, int splits) {
    std::vector<float> x(outer * inner);
    for (float& v : x) v = irand(0, 30) == 0 ? 0.0f : (float)urand(0.9, 1.1) * (irand(0, 2) ? 1 : -1);
    if (outer * inner > 3) x[3] = NAN;
    TDesc keep = make_desc(0, {outer}, {inner});
    TDesc red = make_desc(0, {inner}, {1});
    for (int op = 0; op <= R_ALL; op++) {
        int outDt = op >= R_ANY ? DT_BOOL : DT_F32;
        std::vector<float> outF(outer, -7);
        std::vector<unsigned char> outB(outer, 7);
        void* out = outDt == DT_F32 ? (void*)outF.data() : (void*)outB.data();
        int perBlock = 256 / tpo;
        dim3 grid{(unsigned)std::min((outer + perBlock - 1) / perBlock, 8), (unsigned)splits, 1};
        if (splits == 1) {
            emu::launch(reduce_f32, grid, 256, op, (const float*)x.data(), keep, red, outer, inner, tpo, 1, out, outDt,
                        (double*)nullptr);
        } else {
            std::vector<double> partial(outer * splits);
            emu::launch(reduce_f32, grid, 256, op, (const float*)x.data(), keep, red, outer, inner, tpo, splits, out, outDt,
                        partial.data());
            TDesc keep2 = make_desc(0, {outer}, {splits});
            TDesc red2 = make_desc(0, {splits}, {1});
            emu::launch(reduce_f64, dim3{(unsigned)std::max(1, (outer + 7) / 8), 1, 1}, 256, op, (const double*)partial.data(),
                        keep2, red2, outer, splits, 32, 1, out, outDt, (double*)nullptr);
        }
        bool ok = true;
        for (int o = 0; o < outer; o++) {
            double e = ref_reduce(op, x, o * inner, inner, 1);
            double a = outDt == DT_F32 ? outF[o] : outB[o];
            if (outDt == DT_BOOL) e = e != 0;
            ok &= near(a, (float)e, 1e-6, 1e-6);
        }
        CHECK(ok, "reduce op %d outer %d inner %d tpo %d splits %d", op, outer, inner, tpo, splits);
    }
}

static void test_argreduce() {
    int outer = 5, n = 700;
    std::vector<float> x(outer * n);
    for (float& v : x) v = (float)irand(-3, 4);
    x[2 * n + 100] = NAN;
    x[2 * n + 500] = NAN;
    for (int tpo : {32, 256}) {
        for (int op : {R_MAX, R_MIN}) {
            std::vector<float> vals(outer);
            std::vector<long long> idx(outer, -5);
            TDesc keep = make_desc(0, {outer}, {n});
            emu::launch(arg_reduce_f32, dim3{2, 1, 1}, 256, op, (const float*)x.data(), keep, n, 1, outer, tpo, vals.data(),
                        idx.data());
            bool ok = true;
            for (int o = 0; o < outer; o++) {
                int best = 0;
                for (int j = 1; j < n && !std::isnan(x[o * n + best]); j++) {
                    float v = x[o * n + j], b = x[o * n + best];
                    if (std::isnan(v) || (op == R_MAX ? v > b : v < b)) best = j;
                }
                ok &= idx[o] == best;
            }
            CHECK(ok, "arg reduce op %d tpo %d (first extreme, first NaN)", op, tpo);
        }
    }
}

static void test_cumsum() {
    for (int n : {1, 31, 257, 1000}) {
        int outer = 3;
        std::vector<float> x(outer * n), out(outer * n);
        for (float& v : x) v = (float)urand(-1, 1);
        // along dim 0 of a [n, outer] view of the same data: stride outer
        TDesc keep = make_desc(0, {outer}, {1});
        int block = std::min(256, std::max(32, (n + 31) / 32 * 32));
        emu::launch(cumsum_f32, dim3{2, 1, 1}, block, (const float*)x.data(), keep, n, outer, out.data(), keep, outer, outer);
        bool ok = true;
        for (int o = 0; o < outer; o++) {
            double acc = 0;
            for (int j = 0; j < n; j++) {
                acc += x[j * outer + o];
                ok &= out[j * outer + o] == (float)acc || near(out[j * outer + o], acc, 1e-6, 1e-6);
            }
        }
        CHECK(ok, "cumsum n %d strided", n);
    }
}

int main() {
    test_reduce(20, 10, 32, 1);
    test_reduce(3, 1000, 256, 1);
    test_reduce(2, 5000, 256, 3);
    test_reduce(1, 0, 32, 1);
    test_reduce(1, 1, 32, 1);
    test_argreduce();
    test_cumsum();
    return finish("reduce");
}
