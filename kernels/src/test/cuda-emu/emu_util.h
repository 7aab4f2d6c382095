// Helpers shared by the emulated kernel tests: descriptors, random data, checks.
#pragma once
#include <cinttypes>
#include <random>
#include <vector>

inline TDesc make_desc(int offset, std::vector<int> shape, std::vector<int> strides) {
    TDesc d{};
    d.rank = (int)shape.size();
    d.offset = offset;
    for (int i = 0; i < CASSL_MAX_RANK; i++) {
        d.shape[i] = i < d.rank ? shape[i] : 1;
        d.stride[i] = i < d.rank ? strides[i] : 0;
    }
    return d;
}

inline TDesc contiguous(std::vector<int> shape, int offset = 0) {
    std::vector<int> st(shape.size());
    int s = 1;
    for (int i = (int)shape.size() - 1; i >= 0; i--) {
        st[i] = s;
        s *= std::max(shape[i], 1);
    }
    return make_desc(offset, shape, st);
}

inline std::mt19937_64& rng() {
    static std::mt19937_64 r(12345);
    return r;
}
inline double urand(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng()); }
inline int irand(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi - 1)(rng()); }

/** Blocks for a grid-stride launch over n items, capped low to keep the emulation quick. */
inline dim3 gridFor(long n, int block = 256, int maxBlocks = 4) {
    long b = (n + block - 1) / block;
    return dim3{(unsigned)std::max(1L, std::min(b, (long)maxBlocks)), 1, 1};
}

#define CHECK(cond, ...)                                          \
    do {                                                          \
        if (!(cond)) {                                            \
            std::printf("FAIL %s:%d: ", __FILE__, __LINE__);      \
            std::printf(__VA_ARGS__);                             \
            std::printf("\n");                                    \
            emu::failures++;                                      \
        }                                                         \
    } while (0)

inline bool near(double a, double b, double rtol, double atol) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    if (a == b) return true;
    return std::fabs(a - b) <= atol + rtol * std::fabs(b);
}

inline int finish(const char* name) {
    std::printf("%s: %s (%d failures)\n", name, emu::failures ? "FAILED" : "ok", emu::failures);
    return emu::failures ? 1 : 0;
}
