// Elementwise kernels on strided views (rank <= 8, broadcast dims have stride 0): fill, copy (raw
// and casting), unary, binary, where. Launcher: org.cassl.kernels.ops.CudaElementwise.
// Float ops follow org.cassl.tensor.cpu.MathOps; F32 transcendental functions use the float
// library (within a few ulp of the CPU's double-then-round results), while remainder and floor
// division are computed in double so that their discrete results match the CPU exactly.
#include "common.cuh"

// ---- fill and copy -------------------------------------------------------------------------------

// Writes a raw bit pattern (prepared on the host for the element size) to every element.
template <typename W>
__device__ void fill_raw(W* out, const TDesc& od, int n, W bits) {
    GRID_LOOP(i, n) {
        out[desc_offset(od, i)] = bits;
    }
}

extern "C" __global__ void fill_b1(unsigned char* out, TDesc od, int n, unsigned char bits) { fill_raw(out, od, n, bits); }
extern "C" __global__ void fill_b4(unsigned int* out, TDesc od, int n, unsigned int bits) { fill_raw(out, od, n, bits); }
extern "C" __global__ void fill_b8(unsigned long long* out, TDesc od, int n, unsigned long long bits) {
    fill_raw(out, od, n, bits);
}

// Same-dtype strided copy (bits only).
template <typename W>
__device__ void copy_raw(const W* src, const TDesc& sd, W* dst, const TDesc& dd, int n) {
    GRID_LOOP(i, n) {
        int os, od;
        desc_offset2(dd, sd, i, od, os);
        dst[od] = src[os];
    }
}

extern "C" __global__ void copy_b1(const unsigned char* src, TDesc sd, unsigned char* dst, TDesc dd, int n) {
    copy_raw(src, sd, dst, dd, n);
}
extern "C" __global__ void copy_b4(const unsigned int* src, TDesc sd, unsigned int* dst, TDesc dd, int n) {
    copy_raw(src, sd, dst, dd, n);
}
extern "C" __global__ void copy_b8(const unsigned long long* src, TDesc sd, unsigned long long* dst, TDesc dd, int n) {
    copy_raw(src, sd, dst, dd, n);
}

// Casting copy with the CPU backend's rules: through double when either side is floating point,
// through long otherwise; float-to-int truncates (NaN -> Long.MIN_VALUE), U8 wraps, BOOL is != 0.
extern "C" __global__ void copy_cast(const void* src, int sdt, TDesc sd, void* dst, int ddt, TDesc dd, int n) {
    bool viaDouble = sdt == DT_F32 || sdt == DT_F64 || ddt == DT_F32 || ddt == DT_F64;
    GRID_LOOP(i, n) {
        int os, od;
        desc_offset2(dd, sd, i, od, os);
        if (viaDouble) {
            double v = load_double(src, sdt, os);
            if (ddt == DT_I64 || ddt == DT_U8) {
                store_long(dst, ddt, od, double_to_long(v));
            } else {
                store_double(dst, ddt, od, v);
            }
        } else {
            store_long(dst, ddt, od, load_long(src, sdt, os));
        }
    }
}

// ---- unary ---------------------------------------------------------------------------------------

__device__ __forceinline__ float unary_f(int op, float x) {
    switch (op) {
        case U_NEG: return -x;
        case U_ABS: return fabsf(x);
        case U_EXP: return expf(x);
        case U_LOG: return logf(x);
        case U_SQRT: return sqrtf(x);
        case U_RSQRT: return 1.0f / sqrtf(x);
        case U_SIGMOID: return x >= 0.0f ? 1.0f / (1.0f + expf(-x)) : expf(x) / (1.0f + expf(x));
        case U_TANH: return tanhf(x);
        case U_RELU: return x <= 0.0f ? 0.0f : x;
        case U_SIGN: return is_nan(x) ? 0.0f : (x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x));
        case U_FLOOR: return floorf(x);
        case U_CEIL: return ceilf(x);
        case U_ROUND: return rintf(x);
        case U_LOG1P: return log1pf(x);
        case U_EXPM1: return expm1f(x);
        case U_SIN: return sinf(x);
        case U_COS: return cosf(x);
        case U_RECIPROCAL: return 1.0f / x;
        case U_SQUARE: return x * x;
        default: return x;
    }
}

__device__ __forceinline__ double unary_d(int op, double x) {
    switch (op) {
        case U_NEG: return -x;
        case U_ABS: return fabs(x);
        case U_EXP: return exp(x);
        case U_LOG: return log(x);
        case U_SQRT: return sqrt(x);
        case U_RSQRT: return 1.0 / sqrt(x);
        case U_SIGMOID: return x >= 0.0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x));
        case U_TANH: return tanh(x);
        case U_RELU: return x <= 0.0 ? 0.0 : x;
        case U_SIGN: return is_nan(x) ? 0.0 : (x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : x));
        case U_FLOOR: return floor(x);
        case U_CEIL: return ceil(x);
        case U_ROUND: return rint(x);
        case U_LOG1P: return log1p(x);
        case U_EXPM1: return expm1(x);
        case U_SIN: return sin(x);
        case U_COS: return cos(x);
        case U_RECIPROCAL: return 1.0 / x;
        case U_SQUARE: return x * x;
        default: return x;
    }
}

// Integer unary ops (MathOps.unaryL); the host rejects the float-only ones before launching.
__device__ __forceinline__ long long unary_l(int op, long long x) {
    switch (op) {
        case U_NEG: return (long long)(0ull - (unsigned long long)x);
        case U_ABS: return x < 0 ? (long long)(0ull - (unsigned long long)x) : x;
        case U_RELU: return x > 0 ? x : 0;
        case U_SIGN: return (x > 0) - (x < 0);
        case U_SQUARE: return (long long)((unsigned long long)x * (unsigned long long)x);
        default: return x;  // FLOOR, CEIL, ROUND are the identity on integers
    }
}

extern "C" __global__ void unary_f32(int op, const float* x, TDesc xd, float* out, TDesc od, int n) {
    GRID_LOOP(i, n) {
        int ox, oo;
        desc_offset2(od, xd, i, oo, ox);
        out[oo] = unary_f(op, x[ox]);
    }
}

extern "C" __global__ void unary_f64(int op, const double* x, TDesc xd, double* out, TDesc od, int n) {
    GRID_LOOP(i, n) {
        int ox, oo;
        desc_offset2(od, xd, i, oo, ox);
        out[oo] = unary_d(op, x[ox]);
    }
}

extern "C" __global__ void unary_i64(int op, const long long* x, TDesc xd, long long* out, TDesc od, int n) {
    GRID_LOOP(i, n) {
        int ox, oo;
        desc_offset2(od, xd, i, oo, ox);
        out[oo] = unary_l(op, x[ox]);
    }
}

// U8 and BOOL (boolOut != 0: results are stored as 0/1, like Elem.setL for BOOL).
extern "C" __global__ void unary_u8(int op, const unsigned char* x, TDesc xd, unsigned char* out, TDesc od, int n,
                                    int boolOut) {
    GRID_LOOP(i, n) {
        int ox, oo;
        desc_offset2(od, xd, i, oo, ox);
        long long r = unary_l(op, (long long)x[ox]);
        out[oo] = boolOut ? (r != 0) : (unsigned char)r;
    }
}

// LOGICAL_NOT, ISNAN, ISINF on any input dtype, bool output.
extern "C" __global__ void unary_pred(int op, const void* x, int xdt, TDesc xd, unsigned char* out, TDesc od, int n) {
    bool isFloat = xdt == DT_F32 || xdt == DT_F64;
    GRID_LOOP(i, n) {
        int ox, oo;
        desc_offset2(od, xd, i, oo, ox);
        unsigned char r;
        if (isFloat) {
            double v = load_double(x, xdt, ox);
            r = op == U_LOGICAL_NOT ? v == 0.0 : (op == U_ISNAN ? is_nan(v) : (isinf(v) ? 1 : 0));
        } else {
            long long v = load_long(x, xdt, ox);
            r = op == U_LOGICAL_NOT ? v == 0 : 0;
        }
        out[oo] = r;
    }
}

// ---- binary --------------------------------------------------------------------------------------

template <typename T> __device__ __forceinline__ T nan_max(T a, T b) {
    return is_nan(a) || is_nan(b) ? (is_nan(a) ? a : b) : (a > b ? a : b);
}
template <typename T> __device__ __forceinline__ T nan_min(T a, T b) {
    return is_nan(a) || is_nan(b) ? (is_nan(a) ? a : b) : (a < b ? a : b);
}

__device__ __forceinline__ double py_remainder(double a, double b) {
    double r = fmod(a, b);
    return r != 0.0 && ((r < 0.0) != (b < 0.0)) ? r + b : r;
}

__device__ __forceinline__ float binary_f(int op, float a, float b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_POW: return powf(a, b);
        case B_MAXIMUM: return nan_max(a, b);
        case B_MINIMUM: return nan_min(a, b);
        case B_REMAINDER: return (float)py_remainder((double)a, (double)b);
        case B_FLOOR_DIV: return (float)floor((double)a / (double)b);
        case B_ATAN2: return atan2f(a, b);
        default: return 0.0f;
    }
}

__device__ __forceinline__ double binary_d(int op, double a, double b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_POW: return pow(a, b);
        case B_MAXIMUM: return nan_max(a, b);
        case B_MINIMUM: return nan_min(a, b);
        case B_REMAINDER: return py_remainder(a, b);
        case B_FLOOR_DIV: return floor(a / b);
        case B_ATAN2: return atan2(a, b);
        default: return 0.0;
    }
}

__device__ __forceinline__ long long floor_div_l(long long a, long long b) {
    long long q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Integer ops (MathOps.binaryL) with wrapping arithmetic; errors go to the error word.
__device__ __forceinline__ long long binary_l(int op, long long a, long long b, long long* err) {
    typedef unsigned long long u64;
    switch (op) {
        case B_ADD: return (long long)((u64)a + (u64)b);
        case B_SUB: return (long long)((u64)a - (u64)b);
        case B_MUL: return (long long)((u64)a * (u64)b);
        case B_POW: {
            if (b < 0) {
                if (a == 1) return 1;
                if (a == -1) return (b & 1) == 0 ? 1 : -1;
                report_error(err, ERR_INT_NEG_POW, b, a);
                return 0;
            }
            u64 r = 1, base = (u64)a;
            long long e = b;
            while (e > 0) {
                if (e & 1) r *= base;
                base *= base;
                e >>= 1;
            }
            return (long long)r;
        }
        case B_MAXIMUM: return a > b ? a : b;
        case B_MINIMUM: return a < b ? a : b;
        case B_REMAINDER: {
            if (b == 0) {
                report_error(err, ERR_INT_DIV_ZERO, a, 0);
                return 0;
            }
            if (b == -1) return 0;  // avoids the trap of MIN % -1
            long long r = a % b;
            return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
        }
        case B_FLOOR_DIV: {
            if (b == 0) {
                report_error(err, ERR_INT_DIV_ZERO, a, 0);
                return 0;
            }
            if (b == -1) return (long long)(0ull - (u64)a);
            return floor_div_l(a, b);
        }
        default: return 0;
    }
}

extern "C" __global__ void binary_f32(int op, const float* a, TDesc ad, const float* b, TDesc bd, float* out, TDesc od,
                                      int n) {
    GRID_LOOP(i, n) {
        int oa, ob, oo;
        desc_offset3(od, ad, bd, i, oo, oa, ob);
        out[oo] = binary_f(op, a[oa], b[ob]);
    }
}

extern "C" __global__ void binary_f64(int op, const double* a, TDesc ad, const double* b, TDesc bd, double* out,
                                      TDesc od, int n) {
    GRID_LOOP(i, n) {
        int oa, ob, oo;
        desc_offset3(od, ad, bd, i, oo, oa, ob);
        out[oo] = binary_d(op, a[oa], b[ob]);
    }
}

extern "C" __global__ void binary_i64(int op, const long long* a, TDesc ad, const long long* b, TDesc bd,
                                      long long* out, TDesc od, int n, long long* err) {
    GRID_LOOP(i, n) {
        int oa, ob, oo;
        desc_offset3(od, ad, bd, i, oo, oa, ob);
        out[oo] = binary_l(op, a[oa], b[ob], err);
    }
}

// U8 and BOOL (boolOut != 0: results are stored as 0/1).
extern "C" __global__ void binary_u8(int op, const unsigned char* a, TDesc ad, const unsigned char* b, TDesc bd,
                                     unsigned char* out, TDesc od, int n, long long* err, int boolOut) {
    GRID_LOOP(i, n) {
        int oa, ob, oo;
        desc_offset3(od, ad, bd, i, oo, oa, ob);
        long long r = binary_l(op, (long long)a[oa], (long long)b[ob], err);
        out[oo] = boolOut ? (r != 0) : (unsigned char)r;
    }
}

template <typename T> __device__ __forceinline__ unsigned char compare(int op, T a, T b) {
    switch (op) {
        case B_EQ: return a == b;
        case B_NE: return a != b;
        case B_LT: return a < b;
        case B_LE: return a <= b;
        case B_GT: return a > b;
        case B_GE: return a >= b;
        case B_LOGICAL_AND: return a != (T)0 && b != (T)0;
        case B_LOGICAL_OR: return a != (T)0 || b != (T)0;
        default: return (a != (T)0) != (b != (T)0);  // LOGICAL_XOR
    }
}

// Comparisons and logical ops: both operands of dtype dt, bool output.
extern "C" __global__ void compare_any(int op, const void* a, TDesc ad, const void* b, TDesc bd, int dt,
                                       unsigned char* out, TDesc od, int n) {
    GRID_LOOP(i, n) {
        int oa, ob, oo;
        desc_offset3(od, ad, bd, i, oo, oa, ob);
        unsigned char r;
        switch (dt) {
            case DT_F32: r = compare(op, static_cast<const float*>(a)[oa], static_cast<const float*>(b)[ob]); break;
            case DT_F64: r = compare(op, static_cast<const double*>(a)[oa], static_cast<const double*>(b)[ob]); break;
            case DT_I64:
                r = compare(op, static_cast<const long long*>(a)[oa], static_cast<const long long*>(b)[ob]);
                break;
            default:
                r = compare(op, static_cast<const unsigned char*>(a)[oa], static_cast<const unsigned char*>(b)[ob]);
                break;
        }
        out[oo] = r;
    }
}

// ---- where ---------------------------------------------------------------------------------------

template <typename W>
__device__ void where_raw(const unsigned char* c, const TDesc& cd, const W* a, const TDesc& ad, const W* b,
                          const TDesc& bd, W* out, const TDesc& od, int n) {
    GRID_LOOP(i, n) {
        int oc, oa, ob, oo;
        desc_offset4(od, cd, ad, bd, i, oo, oc, oa, ob);
        out[oo] = c[oc] ? a[oa] : b[ob];
    }
}

extern "C" __global__ void where_b1(const unsigned char* c, TDesc cd, const unsigned char* a, TDesc ad,
                                    const unsigned char* b, TDesc bd, unsigned char* out, TDesc od, int n) {
    where_raw(c, cd, a, ad, b, bd, out, od, n);
}
extern "C" __global__ void where_b4(const unsigned char* c, TDesc cd, const unsigned int* a, TDesc ad,
                                    const unsigned int* b, TDesc bd, unsigned int* out, TDesc od, int n) {
    where_raw(c, cd, a, ad, b, bd, out, od, n);
}
extern "C" __global__ void where_b8(const unsigned char* c, TDesc cd, const unsigned long long* a, TDesc ad,
                                    const unsigned long long* b, TDesc bd, unsigned long long* out, TDesc od, int n) {
    where_raw(c, cd, a, ad, b, bd, out, od, n);
}
