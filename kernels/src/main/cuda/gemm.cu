// SIMT tiled GEMM for F32 (exact float32 arithmetic, the default) and F64, on strided operands.
// Launcher: org.cassl.kernels.ops.CudaGemm. A block computes a BM x BN tile of C from BK-deep
// slices of A and B staged in shared memory; each thread owns TM x TN outputs spaced by the thread
// grid (rows ty + i*(BM/TM), columns tx + j*(BN/TN)) so that shared-memory reads of a warp hit
// distinct banks or broadcast. Tile loads follow whichever of A/B's axes has unit stride, so
// row-major and transposed operands are both read coalesced. The next slice is fetched into
// registers while the current one is multiplied.
#include "common.cuh"

template <typename T, int BM, int BN, int BK, int TM, int TN>
__device__ void gemm_tiled(const T* __restrict__ A, const T* __restrict__ B, T* __restrict__ C, const GemmArgs& g) {
    constexpr int TX = BN / TN;                // threads along N
    constexpr int TY = BM / TM;                // threads along M
    constexpr int NT = TX * TY;
    constexpr int A_PER = (BM * BK) / NT;      // tile elements each thread loads
    constexpr int B_PER = (BK * BN) / NT;
    __shared__ T As[BK][BM + 4];
    __shared__ T Bs[BK][BN + 4];
    const int tid = threadIdx.x;
    const int tx = tid % TX;
    const int ty = tid / TX;
    const bool aKUnit = g.aK == 1;
    const bool bNUnit = g.bN == 1;
    const int m0 = blockIdx.y * BM;
    const int n0 = blockIdx.x * BN;
    for (int b = blockIdx.z; b < g.batch; b += gridDim.z) {
        int bo = b / g.batchInner;
        int bi = b - bo * g.batchInner;
        const T* Ab = A + (long long)bo * g.aBo + (long long)bi * g.aBi;
        const T* Bb = B + (long long)bo * g.bBo + (long long)bi * g.bBi;
        T* Cb = C + (long long)bo * g.cBo + (long long)bi * g.cBi;
        T acc[TM][TN];
#pragma unroll
        for (int i = 0; i < TM; i++)
#pragma unroll
            for (int j = 0; j < TN; j++) acc[i][j] = (T)0;
        T ra[A_PER], rb[B_PER];
        // fetch slice k0 of A and B into registers
        auto fetch = [&](int k0) {
#pragma unroll
            for (int p = 0; p < A_PER; p++) {
                int e = tid + p * NT;
                int mm = aKUnit ? e / BK : e % BM;
                int kk = aKUnit ? e % BK : e / BM;
                int m = m0 + mm, k = k0 + kk;
                ra[p] = (m < g.M && k < g.K) ? Ab[(long long)m * g.aM + (long long)k * g.aK] : (T)0;
            }
#pragma unroll
            for (int p = 0; p < B_PER; p++) {
                int e = tid + p * NT;
                int nn = bNUnit ? e % BN : e / BK;
                int kk = bNUnit ? e / BN : e % BK;
                int n = n0 + nn, k = k0 + kk;
                rb[p] = (n < g.N && k < g.K) ? Bb[(long long)k * g.bK + (long long)n * g.bN] : (T)0;
            }
        };
        auto stash = [&]() {
#pragma unroll
            for (int p = 0; p < A_PER; p++) {
                int e = tid + p * NT;
                int mm = aKUnit ? e / BK : e % BM;
                int kk = aKUnit ? e % BK : e / BM;
                As[kk][mm] = ra[p];
            }
#pragma unroll
            for (int p = 0; p < B_PER; p++) {
                int e = tid + p * NT;
                int nn = bNUnit ? e % BN : e / BK;
                int kk = bNUnit ? e / BN : e % BK;
                Bs[kk][nn] = rb[p];
            }
        };
        fetch(0);
        for (int k0 = 0; k0 < g.K; k0 += BK) {
            stash();
            __syncthreads();
            if (k0 + BK < g.K) {
                fetch(k0 + BK);  // overlaps the global loads of the next slice with the math below
            }
#pragma unroll
            for (int kk = 0; kk < BK; kk++) {
                T a[TM], bv[TN];
#pragma unroll
                for (int i = 0; i < TM; i++) a[i] = As[kk][ty + i * TY];
#pragma unroll
                for (int j = 0; j < TN; j++) bv[j] = Bs[kk][tx + j * TX];
#pragma unroll
                for (int i = 0; i < TM; i++)
#pragma unroll
                    for (int j = 0; j < TN; j++) acc[i][j] = fma(a[i], bv[j], acc[i][j]);
            }
            __syncthreads();
        }
#pragma unroll
        for (int i = 0; i < TM; i++) {
            int m = m0 + ty + i * TY;
            if (m >= g.M) continue;
#pragma unroll
            for (int j = 0; j < TN; j++) {
                int n = n0 + tx + j * TX;
                if (n < g.N) {
                    T* c = Cb + (long long)m * g.cM + (long long)n * g.cN;
                    *c = g.accumulate ? *c + acc[i][j] : acc[i][j];
                }
            }
        }
    }
}

// 128x128 tiles, 8-deep slices, 256 threads with 8x8 outputs each.
extern "C" __global__ void __launch_bounds__(256) gemm_f32(const float* A, const float* B, float* C, GemmArgs g) {
    gemm_tiled<float, 128, 128, 8, 8, 8>(A, B, C, g);
}

// 64x64 tiles, 8-deep slices, 256 threads with 4x4 outputs each (double registers are twice as wide).
extern "C" __global__ void __launch_bounds__(256) gemm_f64(const double* A, const double* B, double* C, GemmArgs g) {
    gemm_tiled<double, 64, 64, 8, 4, 4>(A, B, C, g);
}
