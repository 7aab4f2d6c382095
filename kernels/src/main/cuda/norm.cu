// GroupNorm and BatchNorm forward and backward on contiguous [N, C, HW] tensors. Statistics and
// gradient sums accumulate in double. Launcher: org.cassl.kernels.ops.CudaNorm.
// Backward formulas (as PyTorch's GroupNorm/BatchNorm kernels), with D = C/G channels per group,
// s = 1/(D*HW), gamma = weight or 1:
//   ds[n,c] = sum_hw dy*x, db[n,c] = sum_hw dy
//   GroupNorm dx = rstd*gamma[c]*dy + c2*x + c3,
//     c2 = (sum_g(db*gamma)*mean - sum_g(ds*gamma)) * rstd^3 * s,  c3 = -c2*mean - sum_g(db*gamma)*rstd*s
//   GroupNorm dgamma[c] = sum_n (ds - db*mean) * rstd, dbeta[c] = sum_n db
//   BatchNorm (training) dx = (dy - sum_dy/M - (x-mean)*invstd^2*sum_dy_xmu/M) * invstd*gamma
//   BatchNorm (fixed statistics) dx = dy*invstd*gamma; dgamma = sum_dy_xmu*invstd, dbeta = sum_dy
#include "common.cuh"


// One block per (n, g): mean and rstd of the D*HW contiguous elements (two passes: the mean, then
// the squared deviations), then the normalised, affine output.
template <typename T>
__device__ void gn_fwd_impl(const T* x, const T* weight, const T* bias, int N, int C, int HW, int G, double eps, T* out,
                            T* mean, T* rstd) {
    __shared__ double scratch[32];
    int D = C / G;
    long long count = (long long)D * HW;
    for (int ng = blockIdx.x; ng < N * G; ng += gridDim.x) {
        int n = ng / G;
        int g = ng - n * G;
        long long base = ((long long)n * C + (long long)g * D) * HW;
        double s = 0.0;
        for (long long i = threadIdx.x; i < count; i += blockDim.x) s += (double)x[base + i];
        double mu = block_sum(s, scratch) / (double)count;
        double q = 0.0;
        for (long long i = threadIdx.x; i < count; i += blockDim.x) {
            double d = (double)x[base + i] - mu;
            q += d * d;
        }
        double var = block_sum(q, scratch) / (double)count;
        double rs = 1.0 / sqrt(var + eps);
        if (threadIdx.x == 0) {
            mean[ng] = (T)mu;
            rstd[ng] = (T)rs;
        }
        // y = scale * x + shift per channel, in T and without FMA contraction: the form of
        // PyTorch's CPU kernel and our CPU backend, so that results agree bit for bit
        T muT = (T)mu;
        for (long long i = threadIdx.x; i < count; i += blockDim.x) {
            int c = g * D + (int)(i / HW);
            T scale = mul_rn((T)rs, weight != nullptr ? weight[c] : (T)1);
            T shift = add_rn(mul_rn(-scale, muT), bias != nullptr ? bias[c] : (T)0);
            out[base + i] = add_rn(mul_rn(scale, x[base + i]), shift);
        }
    }
}

extern "C" __global__ void group_norm_f32(const float* x, const float* w, const float* b, int N, int C, int HW, int G,
                                          double eps, float* out, float* mean, float* rstd) {
    gn_fwd_impl(x, w, b, N, C, HW, G, eps, out, mean, rstd);
}
extern "C" __global__ void group_norm_f64(const double* x, const double* w, const double* b, int N, int C, int HW,
                                          int G, double eps, double* out, double* mean, double* rstd) {
    gn_fwd_impl(x, w, b, N, C, HW, G, eps, out, mean, rstd);
}

// One block per (n, c): ds and db over HW.
template <typename T>
__device__ void gn_bwd_sums_impl(const T* dy, const T* x, int NC, int HW, double* ds, double* db) {
    __shared__ double scratch[32];
    for (int nc = blockIdx.x; nc < NC; nc += gridDim.x) {
        long long base = (long long)nc * HW;
        double a = 0.0, b = 0.0;
        for (int i = threadIdx.x; i < HW; i += blockDim.x) {
            double g = (double)dy[base + i];
            a += g * (double)x[base + i];
            b += g;
        }
        a = block_sum(a, scratch);
        b = block_sum(b, scratch);
        if (threadIdx.x == 0) {
            ds[nc] = a;
            db[nc] = b;
        }
    }
}

extern "C" __global__ void group_norm_bwd_sums_f32(const float* dy, const float* x, int NC, int HW, double* ds,
                                                   double* db) {
    gn_bwd_sums_impl(dy, x, NC, HW, ds, db);
}
extern "C" __global__ void group_norm_bwd_sums_f64(const double* dy, const double* x, int NC, int HW, double* ds,
                                                   double* db) {
    gn_bwd_sums_impl(dy, x, NC, HW, ds, db);
}

// One block per (n, g): the group's coefficients, then dx for its D*HW elements.
template <typename T>
__device__ void gn_bwd_dx_impl(const T* dy, const T* x, const T* weight, const T* mean, const T* rstd,
                               const double* ds, const double* db, int N, int C, int HW, int G, T* dx) {
    __shared__ double scratch[32];
    int D = C / G;
    long long count = (long long)D * HW;
    double s = 1.0 / (double)count;
    for (int ng = blockIdx.x; ng < N * G; ng += gridDim.x) {
        int n = ng / G;
        int g = ng - n * G;
        double dsg = 0.0, dbg = 0.0;
        for (int d = threadIdx.x; d < D; d += blockDim.x) {
            int c = g * D + d;
            double gamma = weight != nullptr ? (double)weight[c] : 1.0;
            dsg += ds[n * C + c] * gamma;
            dbg += db[n * C + c] * gamma;
        }
        dsg = block_sum(dsg, scratch);
        dbg = block_sum(dbg, scratch);
        double mu = (double)mean[ng];
        double rs = (double)rstd[ng];
        double c2 = (dbg * mu - dsg) * rs * rs * rs * s;
        double c3 = -c2 * mu - dbg * rs * s;
        long long base = ((long long)n * C + (long long)g * D) * HW;
        for (long long i = threadIdx.x; i < count; i += blockDim.x) {
            int c = g * D + (int)(i / HW);
            double gamma = weight != nullptr ? (double)weight[c] : 1.0;
            dx[base + i] = (T)(rs * gamma * (double)dy[base + i] + c2 * (double)x[base + i] + c3);
        }
    }
}

extern "C" __global__ void group_norm_bwd_dx_f32(const float* dy, const float* x, const float* w, const float* mean,
                                                 const float* rstd, const double* ds, const double* db, int N, int C,
                                                 int HW, int G, float* dx) {
    gn_bwd_dx_impl(dy, x, w, mean, rstd, ds, db, N, C, HW, G, dx);
}
extern "C" __global__ void group_norm_bwd_dx_f64(const double* dy, const double* x, const double* w,
                                                 const double* mean, const double* rstd, const double* ds,
                                                 const double* db, int N, int C, int HW, int G, double* dx) {
    gn_bwd_dx_impl(dy, x, w, mean, rstd, ds, db, N, C, HW, G, dx);
}

// One thread per channel: dgamma and dbeta (either may be null).
template <typename T>
__device__ void gn_bwd_affine_impl(const T* mean, const T* rstd, const double* ds, const double* db, int N, int C,
                                   int G, T* dw, T* dbias) {
    int D = C / G;
    GRID_LOOP(c, C) {
        int g = (int)c / D;
        double w = 0.0, b = 0.0;
        for (int n = 0; n < N; n++) {
            double mu = (double)mean[n * G + g];
            double rs = (double)rstd[n * G + g];
            w += (ds[n * C + c] - db[n * C + c] * mu) * rs;
            b += db[n * C + c];
        }
        if (dw != nullptr) dw[c] = (T)w;
        if (dbias != nullptr) dbias[c] = (T)b;
    }
}

extern "C" __global__ void group_norm_bwd_affine_f32(const float* mean, const float* rstd, const double* ds,
                                                     const double* db, int N, int C, int G, float* dw, float* dbias) {
    gn_bwd_affine_impl(mean, rstd, ds, db, N, C, G, dw, dbias);
}
extern "C" __global__ void group_norm_bwd_affine_f64(const double* mean, const double* rstd, const double* ds,
                                                     const double* db, int N, int C, int G, double* dw,
                                                     double* dbias) {
    gn_bwd_affine_impl(mean, rstd, ds, db, N, C, G, dw, dbias);
}

// ---- BatchNorm ----------------------------------------------------------------------------------

template <typename T>
__device__ void bn_fwd_impl(const T* x, const T* mean, const T* invStd, const T* weight, const T* bias, int N, int C,
                            int HW, T* out) {
    GRID_LOOP(i, N * C * HW) {
        int c = (int)((i / (unsigned int)HW) % (unsigned int)C);
        // PyTorch's CPU form: alpha = invstd * w, beta = b - mean * alpha, y = x * alpha + beta
        T alpha = mul_rn(invStd[c], weight != nullptr ? weight[c] : (T)1);
        T beta = add_rn(bias != nullptr ? bias[c] : (T)0, -mul_rn(mean[c], alpha));
        out[i] = add_rn(mul_rn(x[i], alpha), beta);
    }
}

extern "C" __global__ void batch_norm_f32(const float* x, const float* mean, const float* invStd, const float* w,
                                          const float* b, int N, int C, int HW, float* out) {
    bn_fwd_impl(x, mean, invStd, w, b, N, C, HW, out);
}
extern "C" __global__ void batch_norm_f64(const double* x, const double* mean, const double* invStd, const double* w,
                                          const double* b, int N, int C, int HW, double* out) {
    bn_fwd_impl(x, mean, invStd, w, b, N, C, HW, out);
}

// One block per channel: sum_dy[c] and sum_dy_xmu[c] over the N*HW elements of the channel.
template <typename T>
__device__ void bn_bwd_sums_impl(const T* dy, const T* x, const T* mean, int N, int C, int HW, double* sumDy,
                                 double* sumDyXmu) {
    __shared__ double scratch[32];
    long long count = (long long)N * HW;
    for (int c = blockIdx.x; c < C; c += gridDim.x) {
        double mu = (double)mean[c];
        double a = 0.0, b = 0.0;
        for (long long k = threadIdx.x; k < count; k += blockDim.x) {
            long long n = k / HW;
            long long i = (n * C + c) * HW + (k - n * HW);
            double g = (double)dy[i];
            a += g;
            b += g * ((double)x[i] - mu);
        }
        a = block_sum(a, scratch);
        b = block_sum(b, scratch);
        if (threadIdx.x == 0) {
            sumDy[c] = a;
            sumDyXmu[c] = b;
        }
    }
}

extern "C" __global__ void batch_norm_bwd_sums_f32(const float* dy, const float* x, const float* mean, int N, int C,
                                                   int HW, double* sumDy, double* sumDyXmu) {
    bn_bwd_sums_impl(dy, x, mean, N, C, HW, sumDy, sumDyXmu);
}
extern "C" __global__ void batch_norm_bwd_sums_f64(const double* dy, const double* x, const double* mean, int N, int C,
                                                   int HW, double* sumDy, double* sumDyXmu) {
    bn_bwd_sums_impl(dy, x, mean, N, C, HW, sumDy, sumDyXmu);
}

template <typename T>
__device__ void bn_bwd_dx_impl(const T* dy, const T* x, const T* mean, const T* invStd, const T* weight,
                               const double* sumDy, const double* sumDyXmu, int N, int C, int HW, int training, T* dx) {
    double m = (double)N * HW;
    GRID_LOOP(i, N * C * HW) {
        int c = (int)((i / (unsigned int)HW) % (unsigned int)C);
        double is = (double)invStd[c];
        double gamma = weight != nullptr ? (double)weight[c] : 1.0;
        double g = (double)dy[i];
        if (training) {
            double xmu = (double)x[i] - (double)mean[c];
            g = g - sumDy[c] / m - xmu * is * is * sumDyXmu[c] / m;
        }
        dx[i] = (T)(g * is * gamma);
    }
}

extern "C" __global__ void batch_norm_bwd_dx_f32(const float* dy, const float* x, const float* mean,
                                                 const float* invStd, const float* w, const double* sumDy,
                                                 const double* sumDyXmu, int N, int C, int HW, int training,
                                                 float* dx) {
    bn_bwd_dx_impl(dy, x, mean, invStd, w, sumDy, sumDyXmu, N, C, HW, training, dx);
}
extern "C" __global__ void batch_norm_bwd_dx_f64(const double* dy, const double* x, const double* mean,
                                                 const double* invStd, const double* w, const double* sumDy,
                                                 const double* sumDyXmu, int N, int C, int HW, int training,
                                                 double* dx) {
    bn_bwd_dx_impl(dy, x, mean, invStd, w, sumDy, sumDyXmu, N, C, HW, training, dx);
}

template <typename T>
__device__ void bn_bwd_affine_impl(const T* invStd, const double* sumDy, const double* sumDyXmu, int C, T* dw, T* db) {
    GRID_LOOP(c, C) {
        if (dw != nullptr) dw[c] = (T)(sumDyXmu[c] * (double)invStd[c]);
        if (db != nullptr) db[c] = (T)sumDy[c];
    }
}

extern "C" __global__ void batch_norm_bwd_affine_f32(const float* invStd, const double* sumDy, const double* sumDyXmu,
                                                     int C, float* dw, float* db) {
    bn_bwd_affine_impl(invStd, sumDy, sumDyXmu, C, dw, db);
}
extern "C" __global__ void batch_norm_bwd_affine_f64(const double* invStd, const double* sumDy,
                                                     const double* sumDyXmu, int C, double* dw, double* db) {
    bn_bwd_affine_impl(invStd, sumDy, sumDyXmu, C, dw, db);
}
