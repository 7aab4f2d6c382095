// Reductions over any set of dims, max/min with indices along one dim, and cumulative sums.
// Launcher: org.cassl.kernels.ops.CudaReduce.
//
// reduce_*: the host splits x's dims into kept dims (`keep`, row-major order = output order, its
// offset is x's offset) and reduced dims (`red`, offset 0). `tpo` threads cooperate on one output
// (32: a warp, or blockDim.x: the whole block); with `splits` > 1 each output's reduced range is cut
// into that many chunks (blockIdx.y) whose partial results go to `partial` ([outer, splits], the
// accumulator type), and a second launch reduces the partials.
// Accumulators: double for F32/F64 (as the CPU backend), long long for integers and bool.
#include "common.cuh"

template <typename Acc> __device__ __forceinline__ Acc red_identity(int op);
template <> __device__ __forceinline__ double red_identity<double>(int op) {
    switch (op) {
        case R_PROD: case R_ALL: return 1.0;
        case R_MAX: return -__longlong_as_double(0x7ff0000000000000ll);
        case R_MIN: return __longlong_as_double(0x7ff0000000000000ll);
        default: return 0.0;
    }
}
template <> __device__ __forceinline__ long long red_identity<long long>(int op) {
    switch (op) {
        case R_PROD: case R_ALL: return 1;
        case R_MAX: return (long long)0x8000000000000000ull;
        case R_MIN: return 0x7fffffffffffffffll;
        default: return 0;
    }
}

// Combines two accumulator values; MAX/MIN propagate NaN like the CPU backend.
template <typename Acc> __device__ __forceinline__ Acc red_combine(int op, Acc a, Acc b) {
    switch (op) {
        case R_SUM: return a + b;
        case R_PROD: return a * b;
        case R_MAX: return is_nan(a) ? a : (is_nan(b) ? b : (a > b ? a : b));
        case R_MIN: return is_nan(a) ? a : (is_nan(b) ? b : (a < b ? a : b));
        case R_ANY: return (a != (Acc)0 || b != (Acc)0) ? (Acc)1 : (Acc)0;
        default: return (a != (Acc)0 && b != (Acc)0) ? (Acc)1 : (Acc)0;  // ALL
    }
}

// Integer products wrap (Java long arithmetic).
template <> __device__ __forceinline__ long long red_combine<long long>(int op, long long a, long long b) {
    switch (op) {
        case R_SUM: return (long long)((unsigned long long)a + (unsigned long long)b);
        case R_PROD: return (long long)((unsigned long long)a * (unsigned long long)b);
        case R_MAX: return a > b ? a : b;
        case R_MIN: return a < b ? a : b;
        case R_ANY: return (a != 0 || b != 0) ? 1 : 0;
        default: return (a != 0 && b != 0) ? 1 : 0;
    }
}

__device__ __forceinline__ void store_acc(void* out, int dt, int i, double v) { store_double(out, dt, i, v); }
__device__ __forceinline__ void store_acc(void* out, int dt, int i, long long v) { store_long(out, dt, i, v); }

template <typename Acc> __device__ __forceinline__ Acc shfl_xor(Acc v, int o) { return __shfl_xor_sync(0xffffffffu, v, o); }

template <typename T, typename Acc>
__device__ void reduce_impl(int op, const T* x, const TDesc& keep, const TDesc& red, int outer, int inner, int tpo,
                            int splits, void* out, int outDt, Acc* partial) {
    __shared__ Acc scratch[32];
    int groupsPerBlock = blockDim.x / tpo;
    int group = threadIdx.x / tpo;
    int t = threadIdx.x - group * tpo;
    int split = blockIdx.y;
    int chunk = (inner + splits - 1) / splits;
    int begin = split * chunk;
    int end = min(inner, begin + chunk);
    bool logical = op == R_ANY || op == R_ALL;
    // Every thread of the block runs the same number of iterations so that the block-wide
    // combine below can synchronise.
    for (int base = blockIdx.x * groupsPerBlock; base < outer; base += gridDim.x * groupsPerBlock) {
        int o = base + group;
        Acc acc = red_identity<Acc>(op);
        if (o < outer) {
            int xo = desc_offset(keep, (unsigned int)o);
            for (int j = begin + t; j < end; j += tpo) {
                Acc v = (Acc)x[xo + desc_offset(red, (unsigned int)j)];
                if (logical) {
                    v = v != (Acc)0 ? (Acc)1 : (Acc)0;
                }
                acc = red_combine(op, acc, v);
            }
        }
        // combine within the warp, then across warps when a whole block works on one output
        for (int s = 16; s > 0; s >>= 1) {
            acc = red_combine(op, acc, shfl_xor(acc, s));
        }
        if (tpo > 32) {
            if ((threadIdx.x & 31) == 0) {
                scratch[threadIdx.x >> 5] = acc;
            }
            __syncthreads();
            if (threadIdx.x < 32) {
                int nw = blockDim.x >> 5;
                acc = threadIdx.x < nw ? scratch[threadIdx.x] : red_identity<Acc>(op);
                for (int s = 16; s > 0; s >>= 1) {
                    acc = red_combine(op, acc, shfl_xor(acc, s));
                }
            }
            __syncthreads();
        }
        if (t == 0 && o < outer) {
            if (splits > 1) {
                partial[(long long)o * splits + split] = acc;
            } else {
                store_acc(out, outDt, o, acc);
            }
        }
    }
}

extern "C" __global__ void reduce_f32(int op, const float* x, TDesc keep, TDesc red, int outer, int inner, int tpo,
                                      int splits, void* out, int outDt, double* partial) {
    reduce_impl<float, double>(op, x, keep, red, outer, inner, tpo, splits, out, outDt, partial);
}

extern "C" __global__ void reduce_f64(int op, const double* x, TDesc keep, TDesc red, int outer, int inner, int tpo,
                                      int splits, void* out, int outDt, double* partial) {
    reduce_impl<double, double>(op, x, keep, red, outer, inner, tpo, splits, out, outDt, partial);
}

extern "C" __global__ void reduce_i64(int op, const long long* x, TDesc keep, TDesc red, int outer, int inner, int tpo,
                                      int splits, void* out, int outDt, long long* partial) {
    reduce_impl<long long, long long>(op, x, keep, red, outer, inner, tpo, splits, out, outDt, partial);
}

// U8 and BOOL inputs.
extern "C" __global__ void reduce_u8(int op, const unsigned char* x, TDesc keep, TDesc red, int outer, int inner,
                                     int tpo, int splits, void* out, int outDt, long long* partial) {
    reduce_impl<unsigned char, long long>(op, x, keep, red, outer, inner, tpo, splits, out, outDt, partial);
}

// ---- max/min with index along one dim ------------------------------------------------------------

// Whether candidate (v, i) beats the current best (b, bi): NaN beats everything (first NaN wins),
// then the strictly better value, then the lower index. bi < 0 marks "no element yet".
template <typename T> __device__ __forceinline__ bool arg_better(bool max, T v, int i, T b, int bi) {
    if (i < 0) return false;
    if (bi < 0) return true;
    bool vn = is_nan(v), bn = is_nan(b);
    if (vn || bn) {
        return vn && (!bn || i < bi);
    }
    if (v == b) return i < bi;
    return max ? v > b : v < b;
}

template <typename T>
__device__ void arg_reduce_impl(int op, const T* x, const TDesc& keep, int n, int stride, int outer, int tpo, T* values,
                                long long* indices) {
    __shared__ T sv[32];
    __shared__ int si[32];
    bool max = op == R_MAX;
    int groupsPerBlock = blockDim.x / tpo;
    int group = threadIdx.x / tpo;
    int t = threadIdx.x - group * tpo;
    for (int base = blockIdx.x * groupsPerBlock; base < outer; base += gridDim.x * groupsPerBlock) {
        int o = base + group;
        T best = (T)0;
        int bi = -1;
        if (o < outer) {
            int xo = desc_offset(keep, (unsigned int)o);
            for (int j = t; j < n; j += tpo) {
                T v = x[xo + j * stride];
                if (arg_better(max, v, j, best, bi)) {
                    best = v;
                    bi = j;
                }
            }
        }
        for (int s = 16; s > 0; s >>= 1) {
            T ov = __shfl_xor_sync(0xffffffffu, best, s);
            int oi = __shfl_xor_sync(0xffffffffu, bi, s);
            if (arg_better(max, ov, oi, best, bi)) {
                best = ov;
                bi = oi;
            }
        }
        if (tpo > 32) {
            if ((threadIdx.x & 31) == 0) {
                sv[threadIdx.x >> 5] = best;
                si[threadIdx.x >> 5] = bi;
            }
            __syncthreads();
            if (threadIdx.x < 32) {
                int nw = blockDim.x >> 5;
                best = threadIdx.x < nw ? sv[threadIdx.x] : (T)0;
                bi = threadIdx.x < nw ? si[threadIdx.x] : -1;
                for (int s = 16; s > 0; s >>= 1) {
                    T ov = __shfl_xor_sync(0xffffffffu, best, s);
                    int oi = __shfl_xor_sync(0xffffffffu, bi, s);
                    if (arg_better(max, ov, oi, best, bi)) {
                        best = ov;
                        bi = oi;
                    }
                }
            }
            __syncthreads();
        }
        if (t == 0 && o < outer) {
            values[o] = best;
            indices[o] = bi < 0 ? 0 : bi;
        }
    }
}

extern "C" __global__ void arg_reduce_f32(int op, const float* x, TDesc keep, int n, int stride, int outer, int tpo,
                                          float* values, long long* indices) {
    arg_reduce_impl(op, x, keep, n, stride, outer, tpo, values, indices);
}
extern "C" __global__ void arg_reduce_f64(int op, const double* x, TDesc keep, int n, int stride, int outer, int tpo,
                                          double* values, long long* indices) {
    arg_reduce_impl(op, x, keep, n, stride, outer, tpo, values, indices);
}
extern "C" __global__ void arg_reduce_i64(int op, const long long* x, TDesc keep, int n, int stride, int outer,
                                          int tpo, long long* values, long long* indices) {
    arg_reduce_impl(op, x, keep, n, stride, outer, tpo, values, indices);
}
// U8/BOOL values travel as int through the shuffles.
extern "C" __global__ void arg_reduce_u8(int op, const unsigned char* x, TDesc keep, int n, int stride, int outer,
                                         int tpo, unsigned char* values, long long* indices) {
    __shared__ int sv[32];
    __shared__ int si[32];
    bool max = op == R_MAX;
    int groupsPerBlock = blockDim.x / tpo;
    int group = threadIdx.x / tpo;
    int t = threadIdx.x - group * tpo;
    for (int base = blockIdx.x * groupsPerBlock; base < outer; base += gridDim.x * groupsPerBlock) {
        int o = base + group;
        int best = 0, bi = -1;
        if (o < outer) {
            int xo = desc_offset(keep, (unsigned int)o);
            for (int j = t; j < n; j += tpo) {
                int v = x[xo + j * stride];
                if (arg_better(max, v, j, best, bi)) {
                    best = v;
                    bi = j;
                }
            }
        }
        for (int s = 16; s > 0; s >>= 1) {
            int ov = __shfl_xor_sync(0xffffffffu, best, s);
            int oi = __shfl_xor_sync(0xffffffffu, bi, s);
            if (arg_better(max, ov, oi, best, bi)) {
                best = ov;
                bi = oi;
            }
        }
        if (tpo > 32) {
            if ((threadIdx.x & 31) == 0) {
                sv[threadIdx.x >> 5] = best;
                si[threadIdx.x >> 5] = bi;
            }
            __syncthreads();
            if (threadIdx.x < 32) {
                int nw = blockDim.x >> 5;
                best = threadIdx.x < nw ? sv[threadIdx.x] : 0;
                bi = threadIdx.x < nw ? si[threadIdx.x] : -1;
                for (int s = 16; s > 0; s >>= 1) {
                    int ov = __shfl_xor_sync(0xffffffffu, best, s);
                    int oi = __shfl_xor_sync(0xffffffffu, bi, s);
                    if (arg_better(max, ov, oi, best, bi)) {
                        best = ov;
                        bi = oi;
                    }
                }
            }
            __syncthreads();
        }
        if (t == 0 && o < outer) {
            values[o] = (unsigned char)best;
            indices[o] = bi < 0 ? 0 : bi;
        }
    }
}

// ---- cumulative sum ------------------------------------------------------------------------------

// One block per slice (grid-stride over slices): tiles of blockDim.x elements are scanned with warp
// shuffles and a carry runs across tiles. Accumulates in Acc (double for floats, as the CPU does).
template <typename T, typename Acc>
__device__ void cumsum_impl(const T* x, const TDesc& keep, int n, int stride, T* out, const TDesc& keepOut,
                            int outStride, int outer) {
    __shared__ Acc warpTotals[32];
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int nw = blockDim.x >> 5;
    for (int s = blockIdx.x; s < outer; s += gridDim.x) {
        int xo = desc_offset(keep, (unsigned int)s);
        int oo = desc_offset(keepOut, (unsigned int)s);
        Acc carry = (Acc)0;
        for (int base = 0; base < n; base += blockDim.x) {
            int j = base + threadIdx.x;
            Acc v = j < n ? (Acc)x[xo + j * stride] : (Acc)0;
            // inclusive scan within the warp
            for (int o = 1; o < 32; o <<= 1) {
                Acc u = __shfl_up_sync(0xffffffffu, v, o);
                if (lane >= o) v += u;
            }
            if (lane == 31) warpTotals[warp] = v;
            __syncthreads();
            if (warp == 0) {
                Acc w = lane < nw ? warpTotals[lane] : (Acc)0;
                for (int o = 1; o < 32; o <<= 1) {
                    Acc u = __shfl_up_sync(0xffffffffu, w, o);
                    if (lane >= o) w += u;
                }
                warpTotals[lane] = w;  // inclusive prefix of warp totals
            }
            __syncthreads();
            Acc prefix = warp > 0 ? warpTotals[warp - 1] : (Acc)0;
            Acc total = warpTotals[nw - 1];
            if (j < n) out[oo + j * outStride] = (T)(carry + prefix + v);
            carry += total;
            __syncthreads();
        }
    }
}

extern "C" __global__ void cumsum_f32(const float* x, TDesc keep, int n, int stride, float* out, TDesc keepOut,
                                      int outStride, int outer) {
    cumsum_impl<float, double>(x, keep, n, stride, out, keepOut, outStride, outer);
}
extern "C" __global__ void cumsum_f64(const double* x, TDesc keep, int n, int stride, double* out, TDesc keepOut,
                                      int outStride, int outer) {
    cumsum_impl<double, double>(x, keep, n, stride, out, keepOut, outStride, outer);
}
extern "C" __global__ void cumsum_i64(const long long* x, TDesc keep, int n, int stride, long long* out,
                                      TDesc keepOut, int outStride, int outer) {
    cumsum_impl<long long, long long>(x, keep, n, stride, out, keepOut, outStride, outer);
}
