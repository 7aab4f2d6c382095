// im2col / col2im for convolution as GEMM. Launcher: org.cassl.kernels.ops.CudaConv.
// col layout per image: [C * kH * kW, OH * OW] (row = (c, kh, kw), column = (oh, ow)), so that
// out[n] (per group) = W [K/g, C/g*kH*kW] x col [C/g*kH*kW, OH*OW].
// blockIdx.y walks the images of a chunk; x and col advance by one image per y.
#include "common.cuh"

struct ConvGeom {
    int C, H, W, kH, kW, OH, OW;
    int sH, sW, pH, pW, dH, dW;
};

// One thread per (c, oh, ow): writes the kH*kW column entries of that output position.
template <typename T>
__device__ void im2col_impl(const T* x, T* col, const ConvGeom& g) {
    int per = g.OH * g.OW;
    const T* xi = x + (long long)blockIdx.y * g.C * g.H * g.W;
    T* ci = col + (long long)blockIdx.y * g.C * g.kH * g.kW * per;
    GRID_LOOP(i, g.C * per) {
        int c = i / per;
        int p = i - c * per;
        int oh = p / g.OW;
        int ow = p - oh * g.OW;
        int h0 = oh * g.sH - g.pH;
        int w0 = ow * g.sW - g.pW;
        const T* plane = xi + (long long)c * g.H * g.W;
        T* dst = ci + (long long)c * g.kH * g.kW * per + p;
        for (int kh = 0; kh < g.kH; kh++) {
            int h = h0 + kh * g.dH;
            for (int kw = 0; kw < g.kW; kw++) {
                int w = w0 + kw * g.dW;
                *dst = (h >= 0 && h < g.H && w >= 0 && w < g.W) ? plane[h * g.W + w] : (T)0;
                dst += per;
            }
        }
    }
}

extern "C" __global__ void im2col_f32(const float* x, float* col, ConvGeom g) { im2col_impl(x, col, g); }
extern "C" __global__ void im2col_f64(const double* x, double* col, ConvGeom g) { im2col_impl(x, col, g); }

// Gather form of the adjoint: each input element (c, h, w) sums the column entries that read it.
// Writes gradIn (no accumulation, no atomics).
template <typename T>
__device__ void col2im_impl(const T* col, T* x, const ConvGeom& g) {
    int per = g.OH * g.OW;
    const T* ci = col + (long long)blockIdx.y * g.C * g.kH * g.kW * per;
    T* xi = x + (long long)blockIdx.y * g.C * g.H * g.W;
    int hw = g.H * g.W;
    GRID_LOOP(i, g.C * hw) {
        int c = i / hw;
        int r = i - c * hw;
        int h = r / g.W;
        int w = r - h * g.W;
        double sum = 0.0;
        for (int kh = 0; kh < g.kH; kh++) {
            int th = h + g.pH - kh * g.dH;
            if (th < 0 || th % g.sH != 0) continue;
            int oh = th / g.sH;
            if (oh >= g.OH) continue;
            for (int kw = 0; kw < g.kW; kw++) {
                int tw = w + g.pW - kw * g.dW;
                if (tw < 0 || tw % g.sW != 0) continue;
                int ow = tw / g.sW;
                if (ow >= g.OW) continue;
                sum += (double)ci[((long long)(c * g.kH + kh) * g.kW + kw) * per + oh * g.OW + ow];
            }
        }
        xi[i] = (T)sum;
    }
}

extern "C" __global__ void col2im_f32(const float* col, float* x, ConvGeom g) { col2im_impl(col, x, g); }
extern "C" __global__ void col2im_f64(const double* col, double* x, ConvGeom g) { col2im_impl(col, x, g); }

// out [N, K, P] += bias[k] (P = OH*OW).
template <typename T>
__device__ void add_bias_impl(T* out, const T* bias, int N, int K, int P) {
    GRID_LOOP(i, N * K * P) {
        out[i] += bias[(i / (unsigned int)P) % (unsigned int)K];
    }
}

extern "C" __global__ void add_bias_f32(float* out, const float* bias, int N, int K, int P) { add_bias_impl(out, bias, N, K, P); }
extern "C" __global__ void add_bias_f64(double* out, const double* bias, int N, int K, int P) { add_bias_impl(out, bias, N, K, P); }
