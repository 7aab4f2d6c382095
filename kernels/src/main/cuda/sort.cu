// Stable segmented sort along one dim (also used for topk) as an LSD radix sort with 1-bit stable
// partitions. Launcher: org.cassl.kernels.ops.CudaSort.
//
// 1. sort_keys_*: every element of the (permuted, sort-dim-last) view gets an order-preserving
//    unsigned key and a payload = its row-major position p = slice * n + j.
//    Float keys: -0.0 is folded into +0.0 and every NaN becomes the largest key (PyTorch's order:
//    NaN after +inf ascending, first descending). Descending sorts invert the key bits, which
//    keeps equal keys in their original order (stable).
// 2. For each key bit that is not constant (radix_bits finds them), radix_flags + an exclusive scan
//    + radix_scatter move elements with a 0 bit before those with a 1 bit, preserving order.
// 3. The same passes over the bits of the slice number (payload / n) group the slices back in
//    order; because every pass is stable, each slice ends up sorted by (key, original position).
// 4. sort_write_* writes the first k sorted elements of each slice and their positions j.
#include "common.cuh"

__device__ __forceinline__ unsigned long long key_of(float v) {
    if (v != v) return 0xffffffffull;
    unsigned int b = v == 0.0f ? 0u : __float_as_uint(v);
    return (b & 0x80000000u) ? (unsigned long long)(~b) : (unsigned long long)(b | 0x80000000u);
}
__device__ __forceinline__ unsigned long long key_of(double v) {
    if (v != v) return 0xffffffffffffffffull;
    unsigned long long b = v == 0.0 ? 0ull : (unsigned long long)__double_as_longlong(v);
    return (b & 0x8000000000000000ull) ? ~b : (b | 0x8000000000000000ull);
}
__device__ __forceinline__ unsigned long long key_of(long long v) {
    return (unsigned long long)v ^ 0x8000000000000000ull;
}
__device__ __forceinline__ unsigned long long key_of(unsigned char v) { return v; }

template <typename T>
__device__ void sort_keys_impl(const T* x, const TDesc& xv, int total, unsigned long long keyMask, int descending,
                               unsigned long long* keys, int* payload) {
    GRID_LOOP(p, total) {
        unsigned long long k = key_of(x[desc_offset(xv, p)]);
        keys[p] = descending ? keyMask - k : k;
        payload[p] = (int)p;
    }
}

#define SORT_KEYS(NAME, T)                                                                                         \
    extern "C" __global__ void NAME(const T* x, TDesc xv, int total, unsigned long long keyMask, int descending,   \
                                    unsigned long long* keys, int* payload) {                                     \
        sort_keys_impl(x, xv, total, keyMask, descending, keys, payload);                                         \
    }
SORT_KEYS(sort_keys_f32, float)
SORT_KEYS(sort_keys_f64, double)
SORT_KEYS(sort_keys_i64, long long)
SORT_KEYS(sort_keys_u8, unsigned char)

// orAnd[0] |= every key, orAnd[1] &= every key (host initialises them to 0 and ~0): bits where the
// two differ are the only ones a pass is needed for.
extern "C" __global__ void radix_bits(const unsigned long long* keys, int n, unsigned long long* orAnd) {
    unsigned long long o = 0ull, a = ~0ull;
    GRID_LOOP(i, n) {
        o |= keys[i];
        a &= keys[i];
    }
    for (int s = 16; s > 0; s >>= 1) {
        o |= __shfl_xor_sync(0xffffffffu, o, s);
        a &= __shfl_xor_sync(0xffffffffu, a, s);
    }
    if ((threadIdx.x & 31) == 0) {
        atomicOr(orAnd, o);
        atomicAnd(orAnd + 1, a);
    }
}

// flags[i] = 1 when the selected bit is 0: of the key (segLen == 0) or of the slice number
// payload / segLen (segLen > 0).
extern "C" __global__ void radix_flags(const unsigned long long* keys, const int* payload, int n, int bit, int segLen,
                                       int* flags) {
    GRID_LOOP(i, n) {
        unsigned long long v = segLen > 0 ? (unsigned long long)(payload[i] / segLen) : keys[i];
        flags[i] = ((v >> bit) & 1ull) == 0ull;
    }
}

// Stable partition: zeros (flag 1) keep their relative order at the front, ones follow.
extern "C" __global__ void radix_scatter(const unsigned long long* keys, const int* payload, const int* flags,
                                         const int* positions, int n, unsigned long long* keysOut, int* payloadOut) {
    int zeros = n > 0 ? positions[n - 1] + flags[n - 1] : 0;
    GRID_LOOP(i, n) {
        int pos = positions[i];
        int dest = flags[i] ? pos : zeros + (int)i - pos;
        keysOut[dest] = keys[i];
        payloadOut[dest] = payload[i];
    }
}

// values/indices [slices, k] (as permuted views): element j of slice s is the sorted element
// payload[s * n + j] of x.
template <typename W>
__device__ void sort_write_impl(const W* x, const TDesc& xv, const int* payload, int n, int k, int total, W* values,
                                const TDesc& vv, long long* indices, const TDesc& iv) {
    GRID_LOOP(q, total) {
        int s = (int)(q / (unsigned int)k);
        int j = (int)q - s * k;
        int p = payload[(long long)s * n + j];
        values[desc_offset(vv, q)] = x[desc_offset(xv, (unsigned int)p)];
        indices[desc_offset(iv, q)] = p - (p / n) * n;
    }
}

#define SORT_WRITE(NAME, W)                                                                                        \
    extern "C" __global__ void NAME(const W* x, TDesc xv, const int* payload, int n, int k, int total, W* values,  \
                                    TDesc vv, long long* indices, TDesc iv) {                                     \
        sort_write_impl(x, xv, payload, n, k, total, values, vv, indices, iv);                                    \
    }
SORT_WRITE(sort_write_b1, unsigned char)
SORT_WRITE(sort_write_b4, unsigned int)
SORT_WRITE(sort_write_b8, unsigned long long)
