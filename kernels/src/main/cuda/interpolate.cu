// Nearest and bilinear resizing of contiguous [N*C, H, W] planes, forward and adjoint, with
// PyTorch's index arithmetic (UpSample.h): the coordinate maths runs in float for float tensors
// ("opmath"), the user's scale factor is used when given (scale > 0), `nearest` is floor(dst *
// scale) clamped, bilinear is the half-pixel mapping unless align_corners. Launcher:
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

template <typename A> __device__ __forceinline__ int nearest_index(int dst, int in, int out, double scale) {
    if (out == in) return dst;
    if (out == 2 * in) return dst >> 1;
    float s = scales_value<float>(scale, in, out);
    return min((int)floorf((float)dst * s), in - 1);
}

template <typename A> __device__ __forceinline__ A linear_scale(int in, int out, bool alignCorners, double scale) {
    if (alignCorners) {
        return out > 1 ? (A)(in - 1) / (A)(out - 1) : (A)0;
    }
    return scales_value<A>(scale, in, out);
}

// Source position, lower index, step to the upper neighbour (0 at the edge) and the two weights.
template <typename A>
__device__ __forceinline__ void linear_index(A scale, int dst, int in, bool alignCorners, int& i0, int& step, A& l0,
                                             A& l1) {
    A src;
    if (alignCorners) {
        src = scale * (A)dst;
    } else {
        src = scale * ((A)dst + (A)0.5) - (A)0.5;
        if (src < (A)0) src = (A)0;
    }
    i0 = (int)src;
    step = i0 < in - 1 ? 1 : 0;
    A lambda = src - (A)i0;
    lambda = lambda < (A)0 ? (A)0 : (lambda > (A)1 ? (A)1 : lambda);
    l1 = lambda;
    l0 = (A)1 - lambda;
}

template <typename T, typename A>
__device__ void upsample_fwd(const T* x, T* out, const InterpGeom& g, bool bilinear) {
    int per = g.OH * g.OW;
    A sh = linear_scale<A>(g.H, g.OH, g.alignCorners, g.scaleH);
    A sw = linear_scale<A>(g.W, g.OW, g.alignCorners, g.scaleW);
    GRID_LOOP(i, g.planes * per) {
        int plane = i / per;
        int r = i - plane * per;
        int oh = r / g.OW;
        int ow = r - oh * g.OW;
        const T* p = x + (long long)plane * g.H * g.W;
        if (!bilinear) {
            int h = nearest_index<A>(oh, g.H, g.OH, g.scaleH);
            int w = nearest_index<A>(ow, g.W, g.OW, g.scaleW);
            out[i] = p[h * g.W + w];
        } else {
            int h0, hs, w0, ws;
            A hl0, hl1, wl0, wl1;
            linear_index<A>(sh, oh, g.H, g.alignCorners, h0, hs, hl0, hl1);
            linear_index<A>(sw, ow, g.W, g.alignCorners, w0, ws, wl0, wl1);
            const T* r0 = p + h0 * g.W + w0;
            const T* r1 = r0 + hs * g.W;
            A v = hl0 * (wl0 * (A)r0[0] + wl1 * (A)r0[ws]) + hl1 * (wl0 * (A)r1[0] + wl1 * (A)r1[ws]);
            out[i] = (T)v;
        }
    }
}

template <typename T, typename A>
__device__ void upsample_bwd(const T* gradOut, T* gradIn, const InterpGeom& g, bool bilinear) {
    int per = g.OH * g.OW;
    A sh = linear_scale<A>(g.H, g.OH, g.alignCorners, g.scaleH);
    A sw = linear_scale<A>(g.W, g.OW, g.alignCorners, g.scaleW);
    GRID_LOOP(i, g.planes * per) {
        int plane = i / per;
        int r = i - plane * per;
        int oh = r / g.OW;
        int ow = r - oh * g.OW;
        T* p = gradIn + (long long)plane * g.H * g.W;
        T go = gradOut[i];
        if (!bilinear) {
            int h = nearest_index<A>(oh, g.H, g.OH, g.scaleH);
            int w = nearest_index<A>(ow, g.W, g.OW, g.scaleW);
            atomic_add(p + h * g.W + w, go);
        } else {
            int h0, hs, w0, ws;
            A hl0, hl1, wl0, wl1;
            linear_index<A>(sh, oh, g.H, g.alignCorners, h0, hs, hl0, hl1);
            linear_index<A>(sw, ow, g.W, g.alignCorners, w0, ws, wl0, wl1);
            T* r0 = p + h0 * g.W + w0;
            T* r1 = r0 + hs * g.W;
            A v = (A)go;
            atomic_add(r0, (T)(hl0 * wl0 * v));
            atomic_add(r0 + ws, (T)(hl0 * wl1 * v));
            atomic_add(r1, (T)(hl1 * wl0 * v));
            atomic_add(r1 + ws, (T)(hl1 * wl1 * v));
        }
    }
}

extern "C" __global__ void upsample2d_f32(const float* x, float* out, InterpGeom g, int bilinear) {
    upsample_fwd<float, float>(x, out, g, bilinear != 0);
}
extern "C" __global__ void upsample2d_f64(const double* x, double* out, InterpGeom g, int bilinear) {
    upsample_fwd<double, double>(x, out, g, bilinear != 0);
}
// gradIn must be zeroed by the caller.
extern "C" __global__ void upsample2d_bwd_f32(const float* go, float* gi, InterpGeom g, int bilinear) {
    upsample_bwd<float, float>(go, gi, g, bilinear != 0);
}
extern "C" __global__ void upsample2d_bwd_f64(const double* go, double* gi, InterpGeom g, int bilinear) {
    upsample_bwd<double, double>(go, gi, g, bilinear != 0);
}
