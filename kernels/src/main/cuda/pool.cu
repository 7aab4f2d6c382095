// 2-D max and average pooling, forward and backward, on contiguous [N*C, H, W] planes, with
// PyTorch's CPU semantics (window clipping, ceil mode, count_include_pad; max pooling takes the
// first strict maximum and lets a NaN win, its index is h * W + w of the plane). Launcher:
// org.cassl.kernels.ops.CudaPool.
#include "common.cuh"

struct PoolGeom {
    int planes, H, W, OH, OW;
    int kH, kW, sH, sW, pH, pW, dH, dW;
    int countIncludePad;
};

template <typename T> __device__ __forceinline__ T lowest();
template <> __device__ __forceinline__ float lowest<float>() { return -__int_as_float(0x7f800000); }
template <> __device__ __forceinline__ double lowest<double>() { return -__longlong_as_double(0x7ff0000000000000ll); }
template <> __device__ __forceinline__ long long lowest<long long>() { return (long long)0x8000000000000000ull; }
template <> __device__ __forceinline__ unsigned char lowest<unsigned char>() { return 0; }

template <typename T>
__device__ void max_pool_impl(const T* x, T* out, long long* indices, const PoolGeom& g) {
    int per = g.OH * g.OW;
    GRID_LOOP(i, g.planes * per) {
        int plane = i / per;
        int r = i - plane * per;
        int oh = r / g.OW;
        int ow = r - oh * g.OW;
        int h0 = oh * g.sH - g.pH;
        int w0 = ow * g.sW - g.pW;
        int h1 = min(h0 + (g.kH - 1) * g.dH + 1, g.H);
        int w1 = min(w0 + (g.kW - 1) * g.dW + 1, g.W);
        while (h0 < 0) h0 += g.dH;
        while (w0 < 0) w0 += g.dW;
        const T* p = x + (long long)plane * g.H * g.W;
        long long best = (long long)h0 * g.W + w0;
        T bv = lowest<T>();
        for (int h = h0; h < h1; h += g.dH) {
            for (int w = w0; w < w1; w += g.dW) {
                T v = p[h * g.W + w];
                if (v > bv || is_nan(v)) {
                    bv = v;
                    best = (long long)h * g.W + w;
                }
            }
        }
        out[i] = bv;
        indices[i] = best;
    }
}

extern "C" __global__ void max_pool2d_f32(const float* x, float* out, long long* idx, PoolGeom g) { max_pool_impl(x, out, idx, g); }
extern "C" __global__ void max_pool2d_f64(const double* x, double* out, long long* idx, PoolGeom g) { max_pool_impl(x, out, idx, g); }
extern "C" __global__ void max_pool2d_i64(const long long* x, long long* out, long long* idx, PoolGeom g) {
    max_pool_impl(x, out, idx, g);
}
extern "C" __global__ void max_pool2d_u8(const unsigned char* x, unsigned char* out, long long* idx, PoolGeom g) {
    max_pool_impl(x, out, idx, g);
}

// gradIn (zeroed by the caller) [planes, inPer] += gradOut [planes, outPer] at the saved indices.
template <typename T>
__device__ void max_pool_bwd_impl(const T* gradOut, const long long* indices, T* gradIn, int planes, int outPer,
                                  int inPer, long long* err) {
    GRID_LOOP(i, planes * outPer) {
        int plane = i / outPer;
        long long k = indices[i];
        if (k < 0 || k >= inPer) {
            report_error(err, ERR_INDEX_RANGE, k, inPer);
        } else {
            atomic_add(gradIn + (long long)plane * inPer + k, gradOut[i]);
        }
    }
}

extern "C" __global__ void max_pool2d_bwd_f32(const float* go, const long long* idx, float* gi, int planes, int outPer,
                                              int inPer, long long* err) {
    max_pool_bwd_impl(go, idx, gi, planes, outPer, inPer, err);
}
extern "C" __global__ void max_pool2d_bwd_f64(const double* go, const long long* idx, double* gi, int planes,
                                              int outPer, int inPer, long long* err) {
    max_pool_bwd_impl(go, idx, gi, planes, outPer, inPer, err);
}

// Window of output (oh, ow) for average pooling: [h0, h1) x [w0, w1) after clipping, and the divisor.
__device__ __forceinline__ bool avg_window(const PoolGeom& g, int oh, int ow, int& h0, int& h1, int& w0, int& w1,
                                           int& divisor) {
    h0 = oh * g.sH - g.pH;
    w0 = ow * g.sW - g.pW;
    h1 = min(h0 + g.kH, g.H + g.pH);
    w1 = min(w0 + g.kW, g.W + g.pW);
    int poolSize = (h1 - h0) * (w1 - w0);
    h0 = max(h0, 0);
    w0 = max(w0, 0);
    h1 = min(h1, g.H);
    w1 = min(w1, g.W);
    if (h0 >= h1 || w0 >= w1) {
        return false;
    }
    divisor = g.countIncludePad ? poolSize : (h1 - h0) * (w1 - w0);
    return true;
}

template <typename T>
__device__ void avg_pool_impl(const T* x, T* out, const PoolGeom& g) {
    int per = g.OH * g.OW;
    GRID_LOOP(i, g.planes * per) {
        int plane = i / per;
        int r = i - plane * per;
        int oh = r / g.OW;
        int ow = r - oh * g.OW;
        int h0, h1, w0, w1, divisor;
        if (!avg_window(g, oh, ow, h0, h1, w0, w1, divisor)) {
            out[i] = (T)0;
            continue;
        }
        const T* p = x + (long long)plane * g.H * g.W;
        double sum = 0.0;
        for (int h = h0; h < h1; h++)
            for (int w = w0; w < w1; w++) sum += (double)p[h * g.W + w];
        out[i] = (T)(sum / divisor);
    }
}

extern "C" __global__ void avg_pool2d_f32(const float* x, float* out, PoolGeom g) { avg_pool_impl(x, out, g); }
extern "C" __global__ void avg_pool2d_f64(const double* x, double* out, PoolGeom g) { avg_pool_impl(x, out, g); }

// Gather form of the average-pooling adjoint: each input element sums gradOut / divisor over the
// windows that contain it, so gradIn is written, not accumulated.
template <typename T>
__device__ void avg_pool_bwd_impl(const T* gradOut, T* gradIn, const PoolGeom& g) {
    int per = g.H * g.W;
    GRID_LOOP(i, g.planes * per) {
        int plane = i / per;
        int r = i - plane * per;
        int h = r / g.W;
        int w = r - h * g.W;
        int ohLo = h + g.pH < g.kH ? 0 : (h + g.pH - g.kH) / g.sH + 1;
        int ohHi = min((h + g.pH) / g.sH, g.OH - 1);
        int owLo = w + g.pW < g.kW ? 0 : (w + g.pW - g.kW) / g.sW + 1;
        int owHi = min((w + g.pW) / g.sW, g.OW - 1);
        const T* go = gradOut + (long long)plane * g.OH * g.OW;
        double sum = 0.0;
        for (int oh = ohLo; oh <= ohHi; oh++) {
            for (int ow = owLo; ow <= owHi; ow++) {
                int h0, h1, w0, w1, divisor;
                if (avg_window(g, oh, ow, h0, h1, w0, w1, divisor) && h >= h0 && h < h1 && w >= w0 && w < w1) {
                    sum += (double)go[oh * g.OW + ow] / divisor;
                }
            }
        }
        gradIn[i] = (T)sum;
    }
}

extern "C" __global__ void avg_pool2d_bwd_f32(const float* go, float* gi, PoolGeom g) { avg_pool_bwd_impl(go, gi, g); }
extern "C" __global__ void avg_pool2d_bwd_f64(const double* go, double* gi, PoolGeom g) { avg_pool_bwd_impl(go, gi, g); }
