// FCOS target assignment (torchvision 0.14, FCOSHead.compute_loss / fcos.md §2) for one image:
// point p matches box g when max(|x-cx|, |y-cy|) < radius * size_p (centre sampling),
// min(l, t, r, b) > 0 (inside) and lower_p < max(l, t, r, b) < upper_p (scale range). Among the
// matches torchvision takes the argmax of match * (1e8 - area) computed in the boxes' dtype, with
// the first index winning ties, and calls the point background when that maximum is below 1e-5.
// This kernel evaluates exactly that expression (in float32 for F32 boxes, where areas within a
// float ulp of each other at 1e8 tie and the lower box index wins). Launcher:
// org.cassl.kernels.ops.CudaDetection. One thread per point; the boxes go through shared memory.
// Every product, sum and difference is rounded on its own (mul_rn/add_rn/sub_rn: no FMA contraction)
// in the CPU backend's order (FcosAssignKernel), since the two are compared exactly.
#include "common.cuh"

#define FCOS_THREADS 256

template <typename T>
__device__ void fcos_assign_impl(const T* centers, const T* sizes, const T* lower, const T* upper, const T* gt, int P,
                                 int G, double radius, long long* matched) {
    __shared__ T sbox[FCOS_THREADS * 4];
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    bool active = p < P;
    T x = (T)0, y = (T)0, s = (T)0, lo = (T)0, hi = (T)0;
    if (active) {
        x = centers[2 * p];
        y = centers[2 * p + 1];
        s = sizes[p];
        lo = lower[p];
        hi = upper[p];
    }
    T reach = mul_rn((T)radius, s);
    T best = (T)0;
    int bestIndex = -1;
    for (int base = 0; base < G; base += FCOS_THREADS) {
        int cnt = min(FCOS_THREADS, G - base);
        __syncthreads();
        if (threadIdx.x < cnt) {
#pragma unroll
            for (int k = 0; k < 4; k++) sbox[threadIdx.x * 4 + k] = gt[(long long)(base + threadIdx.x) * 4 + k];
        }
        __syncthreads();
        if (!active) continue;
        for (int j = 0; j < cnt; j++) {
            T x0 = sbox[j * 4], y0 = sbox[j * 4 + 1], x1 = sbox[j * 4 + 2], y1 = sbox[j * 4 + 3];
            T cx = add_rn(x0, x1) / (T)2, cy = add_rn(y0, y1) / (T)2;
            T dx = fabs(sub_rn(x, cx)), dy = fabs(sub_rn(y, cy));
            if (!((dx > dy ? dx : dy) < reach)) continue;
            T l = sub_rn(x, x0), t = sub_rn(y, y0), r = sub_rn(x1, x), b = sub_rn(y1, y);
            T mn = min(min(l, t), min(r, b));
            T mx = max(max(l, t), max(r, b));
            if (!(mn > (T)0) || !(mx > lo) || !(mx < hi)) continue;
            T val = sub_rn((T)1e8, mul_rn(sub_rn(x1, x0), sub_rn(y1, y0)));
            if (val > best) {
                best = val;
                bestIndex = base + j;
            }
        }
    }
    if (active) {
        matched[p] = best < (T)1e-5 ? -1 : bestIndex;
    }
}

extern "C" __global__ void __launch_bounds__(FCOS_THREADS) fcos_assign_f32(const float* centers, const float* sizes,
        const float* lower, const float* upper, const float* gt, int P, int G, double radius, long long* matched) {
    fcos_assign_impl(centers, sizes, lower, upper, gt, P, G, radius, matched);
}
extern "C" __global__ void __launch_bounds__(FCOS_THREADS) fcos_assign_f64(const double* centers, const double* sizes,
        const double* lower, const double* upper, const double* gt, int P, int G, double radius, long long* matched) {
    fcos_assign_impl(centers, sizes, lower, upper, gt, P, G, radius, matched);
}
