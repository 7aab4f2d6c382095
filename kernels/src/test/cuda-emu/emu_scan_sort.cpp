// Scan (multi-level, as DeviceScan.exclusive) and the radix sort pipeline of CudaSort.run.
#include "scan.cu"
#include "sort.cu"
#include "emu_util.h"

static void exclusive_scan(int* in, int* out, int n) {
    int tiles = (n + 2047) / 2048;
    if (tiles == 1) {
        emu::launch(scan_tiles, dim3{1, 1, 1}, 256, (const int*)in, out, n, (int*)nullptr);
        return;
    }
    std::vector<int> totals(tiles);
    emu::launch(scan_tiles, dim3{(unsigned)tiles, 1, 1}, 256, (const int*)in, out, n, totals.data());
    exclusive_scan(totals.data(), totals.data(), tiles);
    emu::launch(scan_add_tiles, gridFor(n), 256, out, n, (const int*)totals.data());
}

static void test_scan() {
    for (int n : {1, 5, 2048, 2049, 9000, 2048 * 2048 + 3}) {
        std::vector<int> in(n), out(n);
        for (int& v : in) v = irand(0, 3);
        exclusive_scan(in.data(), out.data(), n);
        long run = 0;
        bool ok = true;
        for (int i = 0; i < n; i++) {
            ok &= out[i] == run;
            run += in[i];
        }
        CHECK(ok, "exclusive scan of %d ints", n);
    }
}

// Mirrors CudaSort.run for a contiguous [slices, n] float tensor sorted along the last dim.
template <class T, class K>
static void radix_sort(K keysKernel, const std::vector<T>& x, int slices, int n, bool desc, int bits, std::vector<T>& vals,
                       std::vector<long long>& idx, int k) {
    int total = slices * n;
    std::vector<unsigned long long> keysA(total), keysB(total);
    std::vector<int> payA(total), payB(total), flags(total), pos(total);
    unsigned long long mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    TDesc xv = contiguous({slices, n});
    emu::launch(keysKernel, gridFor(total), 256, x.data(), xv, total, mask, desc ? 1 : 0, keysA.data(), payA.data());
    unsigned long long orAnd[2] = {0ull, ~0ull};
    emu::launch(radix_bits, gridFor(total), 256, (const unsigned long long*)keysA.data(), total, orAnd);
    unsigned long long varying = orAnd[0] ^ orAnd[1];
    unsigned long long* keys[2] = {keysA.data(), keysB.data()};
    int* pay[2] = {payA.data(), payB.data()};
    int cur = 0;
    auto pass = [&](int bit, int seg) {
        emu::launch(radix_flags, gridFor(total), 256, (const unsigned long long*)keys[cur], (const int*)pay[cur], total, bit,
                    seg, flags.data());
        exclusive_scan(flags.data(), pos.data(), total);
        emu::launch(radix_scatter, gridFor(total), 256, (const unsigned long long*)keys[cur], (const int*)pay[cur],
                    (const int*)flags.data(), (const int*)pos.data(), total, keys[1 - cur], pay[1 - cur]);
        cur = 1 - cur;
    };
    for (int b = 0; b < bits; b++)
        if ((varying >> b) & 1) pass(b, 0);
    int segBits = slices > 1 ? 32 - __builtin_clz(slices - 1) : 0;
    for (int b = 0; b < segBits; b++) pass(b, n);
    vals.assign(slices * k, T(0));
    idx.assign(slices * k, 0);
    TDesc vv = contiguous({slices, k});
    using W = std::conditional_t<sizeof(T) == 4, unsigned int, unsigned long long>;
    auto writeKernel = sizeof(T) == 4 ? (void*)sort_write_b4 : (void*)sort_write_b8;
    (void)writeKernel;
    if constexpr (sizeof(T) == 4) {
        emu::launch(sort_write_b4, gridFor(slices * k), 256, (const W*)x.data(), xv, (const int*)pay[cur], n, k, slices * k,
                    (W*)vals.data(), vv, idx.data(), vv);
    } else {
        emu::launch(sort_write_b8, gridFor(slices * k), 256, (const W*)x.data(), xv, (const int*)pay[cur], n, k, slices * k,
                    (W*)vals.data(), vv, idx.data(), vv);
    }
}

template <class T> static bool less_nan_last(T a, T b) {
    if (std::isnan((double)a)) return false;
    if (std::isnan((double)b)) return true;
    return a < b;
}

static void test_sort() {
    for (int desc = 0; desc < 2; desc++) {
        int slices = 3, n = 500;
        std::vector<float> x(slices * n);
        for (float& v : x) v = irand(0, 20) < 1 ? NAN : (float)(irand(-15, 15) / 4.0);
        x[7] = -0.0f;
        x[8] = 0.0f;
        std::vector<float> vals;
        std::vector<long long> idx;
        radix_sort(sort_keys_f32, x, slices, n, desc, 32, vals, idx, n);
        bool ok = true;
        for (int s = 0; s < slices; s++) {
            std::vector<int> order(n);
            for (int i = 0; i < n; i++) order[i] = i;
            const float* row = &x[s * n];
            std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
                return desc ? less_nan_last(row[b], row[a]) : less_nan_last(row[a], row[b]);
            });
            for (int j = 0; j < n; j++) {
                ok &= idx[s * n + j] == order[j];
                float v = vals[s * n + j];
                ok &= (std::isnan(v) && std::isnan(row[order[j]])) || v == row[order[j]];
            }
        }
        CHECK(ok, "stable radix sort of floats with NaN, -0 and ties, descending=%d", desc);
    }
    // int64 topk: first k of a stable descending sort, 1 slice
    std::vector<long long> y(3000);
    for (long long& v : y) v = irand(-50, 50) * 1000000007LL;
    std::vector<long long> vals, idx;
    radix_sort(sort_keys_i64, y, 1, 3000, true, 64, vals, idx, 10);
    std::vector<int> order(3000);
    for (int i = 0; i < 3000; i++) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return y[a] > y[b]; });
    bool ok = true;
    for (int j = 0; j < 10; j++) ok &= idx[j] == order[j] && vals[j] == y[order[j]];
    CHECK(ok, "int64 top-10 by radix sort");
}

int main() {
    test_scan();
    test_sort();
    return finish("scan+sort");
}
