// Shared definitions for every cassl kernel file: the strided-view descriptor, dtype and op codes
// (which must equal the Java enum ordinals; KernelConstantsTest checks this file against them),
// the device-side error report and small numeric helpers.
#pragma once

#define CASSL_MAX_RANK 8

// A strided view in elements: the Java side packs it in org.cassl.kernels.launch.TensorDesc
// (little-endian ints in this order, 72 bytes). Offsets fit in int because a Java storage holds
// fewer than 2^31 elements.
struct TDesc {
    int rank;
    int offset;
    int shape[CASSL_MAX_RANK];
    int stride[CASSL_MAX_RANK];
};

// org.cassl.tensor.DType ordinals
#define DT_BOOL 0
#define DT_U8 1
#define DT_I64 2
#define DT_F32 3
#define DT_F64 4

// org.cassl.tensor.UnaryOp ordinals
#define U_NEG 0
#define U_ABS 1
#define U_EXP 2
#define U_LOG 3
#define U_SQRT 4
#define U_RSQRT 5
#define U_SIGMOID 6
#define U_TANH 7
#define U_RELU 8
#define U_SIGN 9
#define U_FLOOR 10
#define U_CEIL 11
#define U_ROUND 12
#define U_LOG1P 13
#define U_EXPM1 14
#define U_SIN 15
#define U_COS 16
#define U_RECIPROCAL 17
#define U_SQUARE 18
#define U_LOGICAL_NOT 19
#define U_ISNAN 20
#define U_ISINF 21

// org.cassl.tensor.BinaryOp ordinals
#define B_ADD 0
#define B_SUB 1
#define B_MUL 2
#define B_DIV 3
#define B_POW 4
#define B_MAXIMUM 5
#define B_MINIMUM 6
#define B_REMAINDER 7
#define B_FLOOR_DIV 8
#define B_ATAN2 9
#define B_EQ 10
#define B_NE 11
#define B_LT 12
#define B_LE 13
#define B_GT 14
#define B_GE 15
#define B_LOGICAL_AND 16
#define B_LOGICAL_OR 17
#define B_LOGICAL_XOR 18

// org.cassl.tensor.ReduceOp ordinals
#define R_SUM 0
#define R_PROD 1
#define R_MAX 2
#define R_MIN 3
#define R_ANY 4
#define R_ALL 5

// Error codes written to the backend's error word (org.cassl.kernels.runtime.DeviceErrors).
#define ERR_INDEX_RANGE 1
#define ERR_INT_DIV_ZERO 2
#define ERR_INT_NEG_POW 3

// Records the first error of a launch: err[0] = code, err[1] = offending value, err[2] = bound.
// Later errors are dropped (the first one is what the message reports).
__device__ __forceinline__ void report_error(long long* err, int code, long long value, long long bound) {
    if (atomicCAS(reinterpret_cast<unsigned long long*>(err), 0ull, (unsigned long long)code) == 0ull) {
        err[1] = value;
        err[2] = bound;
    }
}

// Element offset of the row-major position `linear` of a view. The loop is unrolled over constant
// indices so the descriptor stays in parameter space instead of being copied to local memory.
__device__ __forceinline__ int desc_offset(const TDesc& d, unsigned int linear) {
    if (d.rank <= 1) {
        return d.rank == 0 ? d.offset : d.offset + (int)linear * d.stride[0];
    }
    int off = d.offset;
#pragma unroll
    for (int i = CASSL_MAX_RANK - 1; i >= 0; --i) {
        if (i < d.rank) {
            unsigned int s = (unsigned int)d.shape[i];
            unsigned int q = linear / s;
            off += (int)(linear - q * s) * d.stride[i];
            linear = q;
        }
    }
    return off;
}

// Offsets of two views sharing `shape` (the shape of `a`) at one row-major position.
__device__ __forceinline__ void desc_offset2(const TDesc& a, const TDesc& b, unsigned int linear, int& oa, int& ob) {
    if (a.rank <= 1) {
        int l = a.rank == 0 ? 0 : (int)linear;
        oa = a.offset + l * (a.rank == 0 ? 0 : a.stride[0]);
        ob = b.offset + l * (b.rank == 0 ? 0 : b.stride[0]);
        return;
    }
    oa = a.offset;
    ob = b.offset;
#pragma unroll
    for (int i = CASSL_MAX_RANK - 1; i >= 0; --i) {
        if (i < a.rank) {
            unsigned int s = (unsigned int)a.shape[i];
            unsigned int q = linear / s;
            int c = (int)(linear - q * s);
            oa += c * a.stride[i];
            ob += c * b.stride[i];
            linear = q;
        }
    }
}

// Offsets of three views sharing the shape of `a`.
__device__ __forceinline__ void desc_offset3(const TDesc& a, const TDesc& b, const TDesc& c, unsigned int linear,
                                             int& oa, int& ob, int& oc) {
    oa = a.offset;
    ob = b.offset;
    oc = c.offset;
#pragma unroll
    for (int i = CASSL_MAX_RANK - 1; i >= 0; --i) {
        if (i < a.rank) {
            unsigned int s = (unsigned int)a.shape[i];
            unsigned int q = linear / s;
            int k = (int)(linear - q * s);
            oa += k * a.stride[i];
            ob += k * b.stride[i];
            oc += k * c.stride[i];
            linear = q;
        }
    }
}

// Offsets of four views sharing the shape of `a`.
__device__ __forceinline__ void desc_offset4(const TDesc& a, const TDesc& b, const TDesc& c, const TDesc& d,
                                             unsigned int linear, int& oa, int& ob, int& oc, int& od) {
    oa = a.offset;
    ob = b.offset;
    oc = c.offset;
    od = d.offset;
#pragma unroll
    for (int i = CASSL_MAX_RANK - 1; i >= 0; --i) {
        if (i < a.rank) {
            unsigned int s = (unsigned int)a.shape[i];
            unsigned int q = linear / s;
            int k = (int)(linear - q * s);
            oa += k * a.stride[i];
            ob += k * b.stride[i];
            oc += k * c.stride[i];
            od += k * d.stride[i];
            linear = q;
        }
    }
}

// Grid-stride loop over [0, n). n < 2^31, so i + stride never wraps an unsigned int.
#define GRID_LOOP(i, n) \
    for (unsigned int i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned int)(n); i += blockDim.x * gridDim.x)

// ---- numeric helpers ------------------------------------------------------------------------------

template <typename T> __device__ __forceinline__ bool is_nan(T v) { return v != v; }

// Float-to-integer conversion with the CPU backend's semantics: truncation toward zero, saturation
// at the int64 range (Java's (long) cast), NaN -> Long.MIN_VALUE.
__device__ __forceinline__ long long double_to_long(double v) {
    if (v != v) {
        return (long long)0x8000000000000000ull;
    }
    if (v >= 9.2233720368547758e18) {
        return 0x7fffffffffffffffll;
    }
    if (v <= -9.2233720368547758e18) {
        return (long long)0x8000000000000000ull;
    }
    return (long long)v;
}

// Loads element i of a buffer of dtype dt as double / as long (the CPU backend's Elem.getD/getL).
__device__ __forceinline__ double load_double(const void* p, int dt, int i) {
    switch (dt) {
        case DT_F32: return (double)static_cast<const float*>(p)[i];
        case DT_F64: return static_cast<const double*>(p)[i];
        case DT_I64: return (double)static_cast<const long long*>(p)[i];
        default: return (double)static_cast<const unsigned char*>(p)[i];
    }
}

__device__ __forceinline__ long long load_long(const void* p, int dt, int i) {
    switch (dt) {
        case DT_F32: return double_to_long((double)static_cast<const float*>(p)[i]);
        case DT_F64: return double_to_long(static_cast<const double*>(p)[i]);
        case DT_I64: return static_cast<const long long*>(p)[i];
        default: return (long long)static_cast<const unsigned char*>(p)[i];
    }
}

// Stores a double into a buffer of dtype dt (Elem.setD): ints truncate, U8 wraps, BOOL is v != 0.
__device__ __forceinline__ void store_double(void* p, int dt, int i, double v) {
    switch (dt) {
        case DT_F32: static_cast<float*>(p)[i] = (float)v; break;
        case DT_F64: static_cast<double*>(p)[i] = v; break;
        case DT_I64: static_cast<long long*>(p)[i] = double_to_long(v); break;
        case DT_BOOL: static_cast<unsigned char*>(p)[i] = v != 0.0 ? 1 : 0; break;
        default: static_cast<unsigned char*>(p)[i] = (unsigned char)double_to_long(v); break;
    }
}

// Stores a long (Elem.setL).
__device__ __forceinline__ void store_long(void* p, int dt, int i, long long v) {
    switch (dt) {
        case DT_F32: static_cast<float*>(p)[i] = (float)v; break;
        case DT_F64: static_cast<double*>(p)[i] = (double)v; break;
        case DT_I64: static_cast<long long*>(p)[i] = v; break;
        case DT_BOOL: static_cast<unsigned char*>(p)[i] = v != 0 ? 1 : 0; break;
        default: static_cast<unsigned char*>(p)[i] = (unsigned char)v; break;
    }
}

// atomicAdd for the dtypes index_add/scatter_add accumulate into. Bytes go through a CAS on the
// enclosing aligned word.
__device__ __forceinline__ void atomic_add(float* p, float v) { atomicAdd(p, v); }
__device__ __forceinline__ void atomic_add(double* p, double v) { atomicAdd(p, v); }
__device__ __forceinline__ void atomic_add(long long* p, long long v) {
    atomicAdd(reinterpret_cast<unsigned long long*>(p), (unsigned long long)v);
}
__device__ __forceinline__ void atomic_add(unsigned char* p, unsigned char v) {
    unsigned int* word = reinterpret_cast<unsigned int*>(reinterpret_cast<size_t>(p) & ~(size_t)3);
    unsigned int shift = (unsigned int)(reinterpret_cast<size_t>(p) & 3) * 8u;
    unsigned int old = *word;
    unsigned int assumed;
    do {
        assumed = old;
        unsigned int byte = ((assumed >> shift) + v) & 0xffu;
        old = atomicCAS(word, assumed, (assumed & ~(0xffu << shift)) | (byte << shift));
    } while (assumed != old);
}

// Products and sums rounded one at a time (no FMA contraction), for results that must equal the
// CPU backend's (Java never fuses a*b+c) bit for bit.
__device__ __forceinline__ float mul_rn(float a, float b) { return __fmul_rn(a, b); }
__device__ __forceinline__ double mul_rn(double a, double b) { return __dmul_rn(a, b); }
__device__ __forceinline__ float add_rn(float a, float b) { return __fadd_rn(a, b); }
__device__ __forceinline__ double add_rn(double a, double b) { return __dadd_rn(a, b); }
__device__ __forceinline__ float sub_rn(float a, float b) { return __fsub_rn(a, b); }
__device__ __forceinline__ double sub_rn(double a, double b) { return __dsub_rn(a, b); }
// C++'s std::min / std::max (and the CPU backend's cmin/cmax): the first argument unless the second
// compares smaller (larger). Unlike fminf/fmaxf they keep a NaN first argument, as the CPU does.
template <typename T> __device__ __forceinline__ T cmin(T a, T b) { return b < a ? b : a; }
template <typename T> __device__ __forceinline__ T cmax(T a, T b) { return a < b ? b : a; }

// Warp-level sum (all lanes get the result).
template <typename T> __device__ __forceinline__ T warp_sum(T v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, o);
    }
    return v;
}

// Block-level sum for blockDim.x a multiple of 32 (<= 1024); every thread gets the result.
// `scratch` needs 32 entries; the function synchronises before returning, so scratch can be reused.
template <typename T> __device__ __forceinline__ T block_sum(T v, T* scratch) {
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    v = warp_sum(v);
    if (lane == 0) {
        scratch[warp] = v;
    }
    __syncthreads();
    int nw = blockDim.x >> 5;
    T t = lane < nw ? scratch[lane] : (T)0;
    t = warp_sum(t);
    __syncthreads();
    return t;
}

// Batched GEMM geometry, C[b] (+)= A[b] x B[b] with A [M,K], B [K,N], C [M,N] as strided views.
// The batch index b splits into (b / batchInner, b % batchInner) with one stride each, which lets a
// convolution run all (image, group) pairs in one launch. Packed by org.cassl.kernels.ops.GemmArgs.
struct GemmArgs {
    int M, N, K;
    int batch, batchInner;
    int aBo, aBi, aM, aK;
    int bBo, bBi, bK, bN;
    int cBo, cBi, cM, cN;
    int accumulate;  // 0: C = AB, 1: C += AB
    int pad;
};
