// gemm.cu and gemm_tf32_sm80.cu under emulation: sizes that are not tile multiples, transposed
// operands (both load paths), two-level batches with stride-0 operands, accumulation.
#include "gemm.cu"
#include "gemm_tf32_sm80.cu"
#include "emu_util.h"

struct Op {
    int bo, bi, row, col;
};

template <class T, class K>
static void run(K kernel, int tile, bool tf32, int M, int N, int K_, int outerB, int innerB, bool aT, bool bT, bool acc) {
    int batch = outerB * innerB;
    // A stored [outerB, M, K] (or transposed), shared across the inner batch (stride 0)
    std::vector<T> A(outerB * M * K_), B(innerB * K_ * N), C(batch * M * N);
    for (T& v : A) v = (T)urand(-1, 1);
    for (T& v : B) v = (T)urand(-1, 1);
    for (T& v : C) v = (T)urand(-1, 1);
    std::vector<T> C0 = C;
    Op a{M * K_, 0, aT ? 1 : K_, aT ? M : 1};
    Op b{0, K_ * N, bT ? 1 : N, bT ? K_ : 1};
    Op c{innerB * M * N, M * N, N, 1};
    GemmArgs g{M, N, K_, batch, innerB, a.bo, a.bi, a.row, a.col, b.bo, b.bi, b.row, b.col, c.bo, c.bi, c.row, c.col,
               acc ? 1 : 0, 0};
    dim3 grid{(unsigned)((N + tile - 1) / tile), (unsigned)((M + tile - 1) / tile), (unsigned)std::min(batch, 2)};
    emu::launch(kernel, grid, 256, (const T*)A.data(), (const T*)B.data(), C.data(), g);
    bool ok = true;
    double worst = 0;
    for (int z = 0; z < batch; z++) {
        int bo = z / innerB, bi = z % innerB;
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                double s = 0;
                for (int k = 0; k < K_; k++) {
                    s += (double)A[bo * a.bo + bi * a.bi + i * a.row + k * a.col] *
                         (double)B[bo * b.bo + bi * b.bi + k * b.row + j * b.col];
                }
                int ci = bo * c.bo + bi * c.bi + i * c.row + j * c.col;
                if (acc) s += C0[ci];
                double err = std::fabs(C[ci] - s);
                worst = std::max(worst, err);
                ok &= err <= (tf32 ? 2e-3 * std::sqrt((double)K_) + 1e-3 : sizeof(T) == 4 ? 1e-5 * K_ : 1e-12 * K_);
            }
    }
    CHECK(ok, "gemm %s M=%d N=%d K=%d batch %dx%d aT=%d bT=%d acc=%d worst %.3g", tf32 ? "tf32" : sizeof(T) == 4 ? "f32" : "f64",
          M, N, K_, outerB, innerB, aT, bT, acc, worst);
}

int main() {
    for (int layout = 0; layout < 4; layout++) {
        bool aT = layout & 1, bT = layout & 2;
        run<float>(gemm_f32, 128, false, 67, 45, 33, 1, 1, aT, bT, false);
        run<double>(gemm_f64, 64, false, 70, 65, 19, 2, 2, aT, bT, layout == 3);
        if (layout == 0 || layout == 3) {
            run<float>(gemm_tf32, 128, true, 37, 20, 24, 1, 2, aT, bT, layout == 3);
        }
    }
    run<float>(gemm_f32, 128, false, 130, 3, 9, 2, 1, false, false, true);
    run<float>(gemm_f32, 128, false, 1, 1, 1, 1, 1, false, false, false);
    return finish("gemm");
}
