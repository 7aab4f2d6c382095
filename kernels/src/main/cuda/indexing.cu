// index_select, index_add, gather, scatter_add and the two nonzero passes. Launcher:
// org.cassl.kernels.ops.CudaIndexing. Index values are checked against the size of the indexed
// dim; a bad one is reported through the error word (the launcher then throws
// IndexOutOfRangeException) and its element is skipped.
//
// The host describes each operand by a view over the *iteration* shape (the output's for
// index_select/gather, the source's for index_add, the index's for gather/scatter_add) in which the
// indexed dim has stride 0; the kernel adds `index value * dimStride` for that dim.
#include "common.cuh"

// Position along `dim` of row-major element i of a shape with `inner` = product of sizes after dim.
__device__ __forceinline__ int coord_at(unsigned int i, int inner, int size) {
    return (int)((i / (unsigned int)inner) % (unsigned int)size);
}

__device__ __forceinline__ bool checked_index(long long v, int bound, long long* err) {
    if (v < 0 || v >= bound) {
        report_error(err, ERR_INDEX_RANGE, v, bound);
        return false;
    }
    return true;
}

// out[.., j, ..] = x[.., index[j], ..]; iteration shape = out's shape (contiguous out).
template <typename W>
__device__ void index_select_impl(const W* x, const TDesc& xv, int xDimStride, int xDimSize, const long long* index,
                                  int indexStride, int inner, int nIndex, W* out, const TDesc& ov, int n,
                                  long long* err) {
    GRID_LOOP(i, n) {
        int ox, oo;
        desc_offset2(ov, xv, i, oo, ox);
        long long v = index[(long long)coord_at(i, inner, nIndex) * indexStride];
        if (checked_index(v, xDimSize, err)) {
            out[oo] = x[ox + (int)v * xDimStride];
        }
    }
}

#define INDEX_SELECT(NAME, W)                                                                                      \
    extern "C" __global__ void NAME(const W* x, TDesc xv, int xDimStride, int xDimSize, const long long* index,    \
                                    int indexStride, int inner, int nIndex, W* out, TDesc ov, int n,              \
                                    long long* err) {                                                             \
        index_select_impl(x, xv, xDimStride, xDimSize, index, indexStride, inner, nIndex, out, ov, n, err);       \
    }
INDEX_SELECT(index_select_b1, unsigned char)
INDEX_SELECT(index_select_b4, unsigned int)
INDEX_SELECT(index_select_b8, unsigned long long)

// out[.., index[j], ..] += src[.., j, ..]; iteration shape = src's shape.
template <typename T>
__device__ void index_add_impl(T* out, const TDesc& ov, int outDimStride, int outDimSize, const long long* index,
                               int indexStride, int inner, int nIndex, const T* src, const TDesc& sv, int n,
                               long long* err) {
    GRID_LOOP(i, n) {
        int oo, os;
        desc_offset2(sv, ov, i, os, oo);
        long long v = index[(long long)coord_at(i, inner, nIndex) * indexStride];
        if (checked_index(v, outDimSize, err)) {
            atomic_add(out + oo + (int)v * outDimStride, src[os]);
        }
    }
}

#define INDEX_ADD(NAME, T)                                                                                         \
    extern "C" __global__ void NAME(T* out, TDesc ov, int outDimStride, int outDimSize, const long long* index,    \
                                    int indexStride, int inner, int nIndex, const T* src, TDesc sv, int n,        \
                                    long long* err) {                                                             \
        index_add_impl(out, ov, outDimStride, outDimSize, index, indexStride, inner, nIndex, src, sv, n, err);    \
    }
INDEX_ADD(index_add_f32, float)
INDEX_ADD(index_add_f64, double)
INDEX_ADD(index_add_i64, long long)
INDEX_ADD(index_add_u8, unsigned char)

// out[i][j][k] = x[i][index[i][j][k]][k] (dim 1); iteration shape = index's shape.
template <typename W>
__device__ void gather_impl(const W* x, const TDesc& xv, int xDimStride, int xDimSize, const long long* index,
                            const TDesc& iv, W* out, const TDesc& ov, int n, long long* err) {
    GRID_LOOP(i, n) {
        int oo, oi, ox;
        desc_offset3(ov, iv, xv, i, oo, oi, ox);
        long long v = index[oi];
        if (checked_index(v, xDimSize, err)) {
            out[oo] = x[ox + (int)v * xDimStride];
        }
    }
}

#define GATHER(NAME, W)                                                                                            \
    extern "C" __global__ void NAME(const W* x, TDesc xv, int xDimStride, int xDimSize, const long long* index,    \
                                    TDesc iv, W* out, TDesc ov, int n, long long* err) {                          \
        gather_impl(x, xv, xDimStride, xDimSize, index, iv, out, ov, n, err);                                     \
    }
GATHER(gather_b1, unsigned char)
GATHER(gather_b4, unsigned int)
GATHER(gather_b8, unsigned long long)

// out[i][index[i][j][k]][k] += src[i][j][k] (dim 1); iteration shape = index's shape.
template <typename T>
__device__ void scatter_add_impl(T* out, const TDesc& ov, int outDimStride, int outDimSize, const long long* index,
                                 const TDesc& iv, const T* src, const TDesc& sv, int n, long long* err) {
    GRID_LOOP(i, n) {
        int oi, oo, os;
        desc_offset3(iv, ov, sv, i, oi, oo, os);
        long long v = index[oi];
        if (checked_index(v, outDimSize, err)) {
            atomic_add(out + oo + (int)v * outDimStride, src[os]);
        }
    }
}

#define SCATTER_ADD(NAME, T)                                                                                       \
    extern "C" __global__ void NAME(T* out, TDesc ov, int outDimStride, int outDimSize, const long long* index,    \
                                    TDesc iv, const T* src, TDesc sv, int n, long long* err) {                    \
        scatter_add_impl(out, ov, outDimStride, outDimSize, index, iv, src, sv, n, err);                          \
    }
SCATTER_ADD(scatter_add_f32, float)
SCATTER_ADD(scatter_add_f64, double)
SCATTER_ADD(scatter_add_i64, long long)
SCATTER_ADD(scatter_add_u8, unsigned char)

// ---- nonzero -------------------------------------------------------------------------------------

// flags[i] = x[i] != 0 in row-major order (NaN counts as non-zero).
extern "C" __global__ void nonzero_flags(const void* x, int dt, TDesc xd, int n, int* flags) {
    GRID_LOOP(i, n) {
        int o = desc_offset(xd, i);
        int f;
        switch (dt) {
            case DT_F32: f = static_cast<const float*>(x)[o] != 0.0f; break;
            case DT_F64: f = static_cast<const double*>(x)[o] != 0.0; break;
            case DT_I64: f = static_cast<const long long*>(x)[o] != 0; break;
            default: f = static_cast<const unsigned char*>(x)[o] != 0; break;
        }
        flags[i] = f;
    }
}

// Writes the coordinates of flagged elements to out [count, rank] at their exclusive-scan position.
extern "C" __global__ void nonzero_write(const int* flags, const int* positions, TDesc shape, int n, long long* out) {
    GRID_LOOP(i, n) {
        if (flags[i]) {
            long long* row = out + (long long)positions[i] * shape.rank;
            unsigned int rest = i;
#pragma unroll
            for (int d = CASSL_MAX_RANK - 1; d >= 0; --d) {
                if (d < shape.rank) {
                    unsigned int s = (unsigned int)shape.shape[d];
                    row[d] = rest % s;
                    rest /= s;
                }
            }
        }
    }
}
