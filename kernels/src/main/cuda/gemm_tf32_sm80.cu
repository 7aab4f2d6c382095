// TF32 tensor-core GEMM (sm_80+): mma.sync.m16n8k8 with float32 accumulation. Inputs are rounded
// to TF32 (10-bit mantissa, cvt.rna) on their way into shared memory, so results differ from
// float32 by about 1e-3 relative; the backend uses this kernel only when TF32 is allowed
// (CudaBackend.setAllowTf32, like torch.backends.cuda.matmul.allow_tf32). Launcher:
// org.cassl.kernels.ops.CudaGemm. Block tile 128x128x16, 8 warps in a 2x4 grid, each warp 64x32
// (4x4 mma tiles). Fragment layouts (PTX ISA, "mma.m16n8k8" for .tf32), g = lane/4, t = lane%4:
//   A 16x8 row-major: a0 (g, t), a1 (g+8, t), a2 (g, t+4), a3 (g+8, t+4)
//   B 8x8 "col":      b0 (k=t, n=g), b1 (k=t+4, n=g)
//   C 16x8:           c0 (g, 2t), c1 (g, 2t+1), c2 (g+8, 2t), c3 (g+8, 2t+1)
#include "common.cuh"

#define TBM 128
#define TBN 128
#define TBK 16
#define TNT 256

// CASSL_EMU: the CPU emulator of the kernel tests (src/test/cuda-emu) supplies both operations.
__device__ __forceinline__ unsigned int to_tf32(float f) {
#ifdef CASSL_EMU
    return emu_to_tf32(f);
#else
    unsigned int r;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(f));
    return r;
#endif
}

__device__ __forceinline__ void mma_tf32(float* d, const unsigned int* a, const unsigned int* b) {
#ifdef CASSL_EMU
    emu_mma_tf32(d, a, b);
#else
    asm volatile(
        "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#endif
}

extern "C" __global__ void __launch_bounds__(TNT) gemm_tf32(const float* __restrict__ A, const float* __restrict__ B,
                                                          float* __restrict__ C, GemmArgs g) {
    __shared__ unsigned int As[TBM][TBK + 4];   // row stride 20 words: fragment reads hit 32 banks
    __shared__ unsigned int Bs[TBK][TBN + 8];   // row stride 136 words: likewise
    constexpr int A_PER = TBM * TBK / TNT;      // 8
    constexpr int B_PER = TBK * TBN / TNT;      // 8
    const int tid = threadIdx.x;
    const int lane = tid & 31;
    const int warp = tid >> 5;
    const int wm = warp >> 2;   // 0..1: 64-row band
    const int wn = warp & 3;    // 0..3: 32-column band
    const int gq = lane >> 2;
    const int tq = lane & 3;
    const bool aKUnit = g.aK == 1;
    const bool bNUnit = g.bN == 1;
    const int m0 = blockIdx.y * TBM;
    const int n0 = blockIdx.x * TBN;
    for (int b = blockIdx.z; b < g.batch; b += gridDim.z) {
        int bo = b / g.batchInner;
        int bi = b - bo * g.batchInner;
        const float* Ab = A + (long long)bo * g.aBo + (long long)bi * g.aBi;
        const float* Bb = B + (long long)bo * g.bBo + (long long)bi * g.bBi;
        float* Cb = C + (long long)bo * g.cBo + (long long)bi * g.cBi;
        float acc[4][4][4];
#pragma unroll
        for (int i = 0; i < 4; i++)
#pragma unroll
            for (int j = 0; j < 4; j++)
#pragma unroll
                for (int r = 0; r < 4; r++) acc[i][j][r] = 0.0f;
        float ra[A_PER], rb[B_PER];
        auto fetch = [&](int k0) {
#pragma unroll
            for (int p = 0; p < A_PER; p++) {
                int e = tid + p * TNT;
                int mm = aKUnit ? e / TBK : e % TBM;
                int kk = aKUnit ? e % TBK : e / TBM;
                int m = m0 + mm, k = k0 + kk;
                ra[p] = (m < g.M && k < g.K) ? Ab[(long long)m * g.aM + (long long)k * g.aK] : 0.0f;
            }
#pragma unroll
            for (int p = 0; p < B_PER; p++) {
                int e = tid + p * TNT;
                int nn = bNUnit ? e % TBN : e / TBK;
                int kk = bNUnit ? e / TBN : e % TBK;
                int n = n0 + nn, k = k0 + kk;
                rb[p] = (n < g.N && k < g.K) ? Bb[(long long)k * g.bK + (long long)n * g.bN] : 0.0f;
            }
        };
        fetch(0);
        for (int k0 = 0; k0 < g.K; k0 += TBK) {
#pragma unroll
            for (int p = 0; p < A_PER; p++) {
                int e = tid + p * TNT;
                int mm = aKUnit ? e / TBK : e % TBM;
                int kk = aKUnit ? e % TBK : e / TBM;
                As[mm][kk] = to_tf32(ra[p]);
            }
#pragma unroll
            for (int p = 0; p < B_PER; p++) {
                int e = tid + p * TNT;
                int nn = bNUnit ? e % TBN : e / TBK;
                int kk = bNUnit ? e / TBN : e % TBK;
                Bs[kk][nn] = to_tf32(rb[p]);
            }
            __syncthreads();
            if (k0 + TBK < g.K) {
                fetch(k0 + TBK);
            }
#pragma unroll
            for (int ks = 0; ks < TBK; ks += 8) {
                unsigned int af[4][4], bf[4][2];
#pragma unroll
                for (int mi = 0; mi < 4; mi++) {
                    int r = wm * 64 + mi * 16 + gq;
                    af[mi][0] = As[r][ks + tq];
                    af[mi][1] = As[r + 8][ks + tq];
                    af[mi][2] = As[r][ks + tq + 4];
                    af[mi][3] = As[r + 8][ks + tq + 4];
                }
#pragma unroll
                for (int ni = 0; ni < 4; ni++) {
                    int c = wn * 32 + ni * 8 + gq;
                    bf[ni][0] = Bs[ks + tq][c];
                    bf[ni][1] = Bs[ks + tq + 4][c];
                }
#pragma unroll
                for (int mi = 0; mi < 4; mi++)
#pragma unroll
                    for (int ni = 0; ni < 4; ni++) mma_tf32(acc[mi][ni], af[mi], bf[ni]);
            }
            __syncthreads();
        }
#pragma unroll
        for (int mi = 0; mi < 4; mi++) {
#pragma unroll
            for (int ni = 0; ni < 4; ni++) {
#pragma unroll
                for (int r = 0; r < 4; r++) {
                    int m = m0 + wm * 64 + mi * 16 + gq + (r >= 2 ? 8 : 0);
                    int n = n0 + wn * 32 + ni * 8 + 2 * tq + (r & 1);
                    if (m < g.M && n < g.N) {
                        float* c = Cb + (long long)m * g.cM + (long long)n * g.cN;
                        *c = g.accumulate ? *c + acc[mi][ni][r] : acc[mi][ni][r];
                    }
                }
            }
        }
    }
}
