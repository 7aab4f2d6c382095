// Nearest and bilinear resizing of contiguous [N*C, H, W] planes, forward and adjoint, with the
// index arithmetic of PyTorch's CPU kernels (UpSample.h) as our CPU backend reproduces it: the
// user's scale factor is used when given (scale > 0), nearest is floor(dst * scale) in float,
// clamped, bilinear is the half-pixel mapping unless align_corners. Launcher:
// org.cassl.kernels.ops.CudaInterpolate.
#include "common.cuh"

struct InterpGeom {
    int planes, H, W, OH, OW;
    int alignCorners;
    double scaleH, scaleW;  // user scale factors (output/input) or <= 0
};

// compute_scales_value: 1/scale when the user gave one, else in/out, in the opmath type.
template <typename A> __device__ __forceinline__ A scales_value(double scale, int in, int out) {
    return scale > 0.0 ? (A)(1.0 / scale) : (A)in / (A)out;
}

__device__ __forceinline__ int nearest_index(int dst, int in, int out, double scale) {
    if (out == in) return dst;
    if (out == 2 * in) return dst >> 1;
    float s = scales_value<float>(scale, in, out);
    return min((int)floorf((float)dst * s), in - 1);
}

// Bilinear source index and weights per axis, as PyTorch's CPU kernel (and our CPU backend's
// InterpAxis): the scale is computed in the tensor's type (float for F32), the source position in
// double from it, and the weights are rounded to the tensor's type. Same size: identity.
template <typename A>
__device__ __forceinline__ void linear_index(int dst, int in, int out, bool alignCorners, double userScale, int& i0,
                                             int& step, A& l0, A& l1) {
    if (out == in) {
        i0 = dst;
        step = 0;
        l0 = (A)1;
        l1 = (A)0;
        return;
    }
    A scale;
    if (alignCorners) {
        scale = out > 1 ? (A)(in - 1) / (A)(out - 1) : (A)0;
    } else {
        scale = scales_value<A>(userScale, in, out);
    }
    double real;
    if (alignCorners) {
        real = (double)scale * (double)dst;
    } else {
        real = sub_rn(mul_rn((double)scale, add_rn((double)dst, 0.5)), 0.5);  // as the CPU: no FMA
        if (real < 0.0) real = 0.0;
    }
    i0 = (int)real;
    step = i0 < in - 1 ? 1 : 0;
    l1 = (A)(real - (double)i0);
    l0 = (A)(1.0 - (double)l1);
}


template <typename T>
__device__ void upsample_fwd(const T* x, T* out, const InterpGeom& g, bool bilinear) {
    int per = g.OH * g.OW;
    GRID_LOOP(i, g.planes * per) {
        int plane = i / per;
        int r = i - plane * per;
        int oh = r / g.OW;
        int ow = r - oh * g.OW;
        const T* p = x + (long long)plane * g.H * g.W;
        if (!bilinear) {
            int h = nearest_index(oh, g.H, g.OH, g.scaleH);
            int w = nearest_index(ow, g.W, g.OW, g.scaleW);
            out[i] = p[h * g.W + w];
        } else {
            int h0, hs, w0, ws;
            T hl0, hl1, wl0, wl1;
            linear_index<T>(oh, g.H, g.OH, g.alignCorners, g.scaleH, h0, hs, hl0, hl1);
            linear_index<T>(ow, g.W, g.OW, g.alignCorners, g.scaleW, w0, ws, wl0, wl1);
            const T* r0 = p + h0 * g.W + w0;
            const T* r1 = r0 + hs * g.W;
            T t0 = add_rn(mul_rn(r0[0], wl0), mul_rn(r0[ws], wl1));
            T t1 = add_rn(mul_rn(r1[0], wl0), mul_rn(r1[ws], wl1));
            out[i] = add_rn(mul_rn(t0, hl0), mul_rn(t1, hl1));
        }
    }
}

template <typename T>
__device__ void upsample_bwd(const T* gradOut, T* gradIn, const InterpGeom& g, bool bilinear) {
    int per = g.OH * g.OW;
    GRID_LOOP(i, g.planes * per) {
        int plane = i / per;
        int r = i - plane * per;
        int oh = r / g.OW;
        int ow = r - oh * g.OW;
        T* p = gradIn + (long long)plane * g.H * g.W;
        T go = gradOut[i];
        if (!bilinear) {
            int h = nearest_index(oh, g.H, g.OH, g.scaleH);
            int w = nearest_index(ow, g.W, g.OW, g.scaleW);
            atomic_add(p + h * g.W + w, go);
        } else {
            int h0, hs, w0, ws;
            T hl0, hl1, wl0, wl1;
            linear_index<T>(oh, g.H, g.OH, g.alignCorners, g.scaleH, h0, hs, hl0, hl1);
            linear_index<T>(ow, g.W, g.OW, g.alignCorners, g.scaleW, w0, ws, wl0, wl1);
            T* r0 = p + h0 * g.W + w0;
            T* r1 = r0 + hs * g.W;
            atomic_add(r0, mul_rn(mul_rn(hl0, wl0), go));
            atomic_add(r0 + ws, mul_rn(mul_rn(hl0, wl1), go));
            atomic_add(r1, mul_rn(mul_rn(hl1, wl0), go));
            atomic_add(r1 + ws, mul_rn(mul_rn(hl1, wl1), go));
        }
    }
}

extern "C" __global__ void upsample2d_f32(const float* x, float* out, InterpGeom g, int bilinear) {
    upsample_fwd<float>(x, out, g, bilinear != 0);
}
extern "C" __global__ void upsample2d_f64(const double* x, double* out, InterpGeom g, int bilinear) {
    upsample_fwd<double>(x, out, g, bilinear != 0);
}
// gradIn must be zeroed by the caller.
extern "C" __global__ void upsample2d_bwd_f32(const float* go, float* gi, InterpGeom g, int bilinear) {
    upsample_bwd<float>(go, gi, g, bilinear != 0);
}
extern "C" __global__ void upsample2d_bwd_f64(const double* go, double* gi, InterpGeom g, int bilinear) {
    upsample_bwd<double>(go, gi, g, bilinear != 0);
}
