// RoIAlign forward and adjoint with torchvision's semantics (see /work/shared/specs/fcos.md §7):
// box corners scaled by spatialScale and shifted by -0.5 when `aligned`; the box is at least 1x1
// only when not aligned; `grid` samples per bin axis (samplingRatio, or ceil(size / pooled));
// bilinear samples are 0 outside [-1, H] x [-1, W] and clamp at the border; the bin value is the
// mean of its samples. Launcher: org.cassl.kernels.ops.CudaDetection.
#include "common.cuh"

struct RoiGeom {
    int R, N, C, H, W, PH, PW;
    int samplingRatio;
    int aligned;
    int pad;
    double spatialScale;
};

// Bilinear sample weights: returns false when the point lies outside the feature map.
template <typename T>
__device__ __forceinline__ bool bilinear_weights(int H, int W, T y, T x, int& y0, int& x0, int& y1, int& x1, T& w00,
                                                 T& w01, T& w10, T& w11) {
    if (y < (T)-1 || y > (T)H || x < (T)-1 || x > (T)W) {
        return false;
    }
    if (y <= (T)0) y = (T)0;
    if (x <= (T)0) x = (T)0;
    y0 = (int)y;
    x0 = (int)x;
    if (y0 >= H - 1) {
        y0 = y1 = H - 1;
        y = (T)y0;
    } else {
        y1 = y0 + 1;
    }
    if (x0 >= W - 1) {
        x0 = x1 = W - 1;
        x = (T)x0;
    } else {
        x1 = x0 + 1;
    }
    T ly = y - (T)y0, lx = x - (T)x0;
    T hy = (T)1 - ly, hx = (T)1 - lx;
    w00 = hy * hx;
    w01 = hy * lx;
    w10 = ly * hx;
    w11 = ly * lx;
    return true;
}

// The RoI of output element i: batch index (checked), start corner, bin size and sample grid.
template <typename T>
__device__ __forceinline__ bool roi_setup(const T* rois, int r, const RoiGeom& g, long long* err, int& b, T& y1, T& x1,
                                          T& binH, T& binW, int& gh, int& gw) {
    const T* roi = rois + (long long)r * 5;
    double bi = (double)roi[0];
    if (!(bi >= 0.0 && bi < (double)g.N)) {
        report_error(err, ERR_INDEX_RANGE, (long long)bi, g.N);
        return false;
    }
    b = (int)bi;
    T scale = (T)g.spatialScale;
    T offset = g.aligned ? (T)0.5 : (T)0;
    x1 = roi[1] * scale - offset;
    y1 = roi[2] * scale - offset;
    T x2 = roi[3] * scale - offset;
    T y2 = roi[4] * scale - offset;
    T rw = x2 - x1, rh = y2 - y1;
    if (!g.aligned) {
        rw = rw > (T)1 ? rw : (T)1;
        rh = rh > (T)1 ? rh : (T)1;
    }
    binH = rh / (T)g.PH;
    binW = rw / (T)g.PW;
    gh = g.samplingRatio > 0 ? g.samplingRatio : (int)ceil((double)(rh / (T)g.PH));
    gw = g.samplingRatio > 0 ? g.samplingRatio : (int)ceil((double)(rw / (T)g.PW));
    return true;
}

template <typename T>
__device__ void roi_align_fwd_impl(const T* input, const T* rois, T* out, const RoiGeom& g, long long* err) {
    int per = g.C * g.PH * g.PW;
    GRID_LOOP(i, g.R * per) {
        int r = i / per;
        int rem = i - r * per;
        int c = rem / (g.PH * g.PW);
        int q = rem - c * g.PH * g.PW;
        int ph = q / g.PW;
        int pw = q - ph * g.PW;
        int b, gh, gw;
        T y1, x1, binH, binW;
        if (!roi_setup(rois, r, g, err, b, y1, x1, binH, binW, gh, gw)) {
            out[i] = (T)0;
            continue;
        }
        const T* plane = input + ((long long)b * g.C + c) * g.H * g.W;
        T count = (T)max(gh * gw, 1);
        T sum = (T)0;
        for (int iy = 0; iy < gh; iy++) {
            T y = y1 + (T)ph * binH + ((T)iy + (T)0.5) * binH / (T)gh;
            for (int ix = 0; ix < gw; ix++) {
                T x = x1 + (T)pw * binW + ((T)ix + (T)0.5) * binW / (T)gw;
                int y0, x0, yh, xh;
                T w00, w01, w10, w11;
                if (bilinear_weights(g.H, g.W, y, x, y0, x0, yh, xh, w00, w01, w10, w11)) {
                    sum += w00 * plane[y0 * g.W + x0] + w01 * plane[y0 * g.W + xh] + w10 * plane[yh * g.W + x0]
                           + w11 * plane[yh * g.W + xh];
                }
            }
        }
        out[i] = sum / count;
    }
}

// gradIn must be zeroed by the caller.
template <typename T>
__device__ void roi_align_bwd_impl(const T* gradOut, const T* rois, T* gradIn, const RoiGeom& g, long long* err) {
    int per = g.C * g.PH * g.PW;
    GRID_LOOP(i, g.R * per) {
        int r = i / per;
        int rem = i - r * per;
        int c = rem / (g.PH * g.PW);
        int q = rem - c * g.PH * g.PW;
        int ph = q / g.PW;
        int pw = q - ph * g.PW;
        int b, gh, gw;
        T y1, x1, binH, binW;
        if (!roi_setup(rois, r, g, err, b, y1, x1, binH, binW, gh, gw)) {
            continue;
        }
        T* plane = gradIn + ((long long)b * g.C + c) * g.H * g.W;
        T count = (T)max(gh * gw, 1);
        T go = gradOut[i] / count;
        for (int iy = 0; iy < gh; iy++) {
            T y = y1 + (T)ph * binH + ((T)iy + (T)0.5) * binH / (T)gh;
            for (int ix = 0; ix < gw; ix++) {
                T x = x1 + (T)pw * binW + ((T)ix + (T)0.5) * binW / (T)gw;
                int y0, x0, yh, xh;
                T w00, w01, w10, w11;
                if (bilinear_weights(g.H, g.W, y, x, y0, x0, yh, xh, w00, w01, w10, w11)) {
                    atomic_add(plane + y0 * g.W + x0, go * w00);
                    atomic_add(plane + y0 * g.W + xh, go * w01);
                    atomic_add(plane + yh * g.W + x0, go * w10);
                    atomic_add(plane + yh * g.W + xh, go * w11);
                }
            }
        }
    }
}

extern "C" __global__ void roi_align_f32(const float* input, const float* rois, float* out, RoiGeom g, long long* err) {
    roi_align_fwd_impl(input, rois, out, g, err);
}
extern "C" __global__ void roi_align_f64(const double* input, const double* rois, double* out, RoiGeom g,
                                         long long* err) {
    roi_align_fwd_impl(input, rois, out, g, err);
}
extern "C" __global__ void roi_align_bwd_f32(const float* gradOut, const float* rois, float* gradIn, RoiGeom g,
                                             long long* err) {
    roi_align_bwd_impl(gradOut, rois, gradIn, g, err);
}
extern "C" __global__ void roi_align_bwd_f64(const double* gradOut, const double* rois, double* gradIn, RoiGeom g,
                                             long long* err) {
    roi_align_bwd_impl(gradOut, rois, gradIn, g, err);
}
