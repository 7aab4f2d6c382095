package org.cassl.kernels.ops;

import java.util.Locale;
import org.cassl.kernels.runtime.KernelArgs;
import org.cassl.kernels.runtime.LaunchConfig;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * Batched GEMM: our tiled kernels (gemm.cu for exact float32 and float64, gemm_tf32_sm80.cu for
 * TF32 tensor cores when allowed on sm_80+) or cuBLAS when it loaded. Selection with the system
 * property {@code cassl.cuda.gemm}: {@code auto} (default: cuBLAS when available, else ours),
 * {@code own} (always ours) or {@code cublas} (cuBLAS where it can express the call).
 */
public final class CudaGemm {
    private final CudaOpContext ctx;
    private final CublasGemm cublas;
    private volatile boolean allowTf32;
    private final String mode = System.getProperty("cassl.cuda.gemm", "auto").toLowerCase(Locale.ROOT);

    /** {@code cublas} may be null (not available). */
    public CudaGemm(CudaOpContext ctx, CublasGemm cublas) {
        this.ctx = ctx;
        this.cublas = cublas;
    }

    /** Allows TF32 tensor-core arithmetic for float32 products (off by default: exact float32). */
    public void setAllowTf32(boolean allow) {
        this.allowTf32 = allow;
    }

    public boolean allowTf32() {
        return allowTf32;
    }

    /** Whether cuBLAS is in use for products it can express. */
    public boolean usesCublas() {
        return cublas != null && !mode.equals("own");
    }

    public void matmul(Tensor a, Tensor b, Tensor out) {
        run(GemmCall.of(a, b, out));
    }

    /** Which kernel a call goes to: {@code cublas}, {@code tf32}, {@code f32} or {@code f64}. */
    public String route(GemmCall g) {
        if (g.dtype() != DType.F32 && g.dtype() != DType.F64) {
            throw new TensorException("matmul: CUDA GEMM supports float32 and float64, got " + g.dtype());
        }
        if (usesCublas()) {
            return "cublas";
        }
        if (g.dtype() == DType.F32 && allowTf32 && ctx.runtime().properties().sm() >= 80) {
            return "tf32";
        }
        return g.dtype() == DType.F32 ? "f32" : "f64";
    }

    public void run(GemmCall g) {
        String route = route(g);
        if (g.m() == 0 || g.n() == 0 || g.batch() == 0) {
            return;
        }
        if (g.k() == 0) {
            if (!g.accumulate()) {
                zero(g);
            }
            return;
        }
        if (route.equals("cublas")) {
            cublas.setTf32(allowTf32);
            if (cublas.tryRun(g)) {
                return;
            }
            route = g.dtype() == DType.F32 && allowTf32 && ctx.runtime().properties().sm() >= 80 ? "tf32"
                    : g.dtype() == DType.F32 ? "f32" : "f64";
        }
        runOwn(g, route);
    }

    /** Runs one of our kernels ({@code f32}, {@code tf32} or {@code f64}) regardless of the selection. */
    public void runOwn(GemmCall g, String kernel) {
        int tile = kernel.equals("f64") ? 64 : 128;
        String module = kernel.equals("tf32") ? "gemm_tf32_sm80" : "gemm";
        String name = kernel.equals("tf32") ? "gemm_tf32" : "gemm_" + kernel;
        LaunchConfig cfg = LaunchConfig.of((g.n() + tile - 1) / tile, (g.m() + tile - 1) / tile, Math.min(g.batch(), 65535),
                256);
        ctx.launch(module, name, cfg, KernelArgs.of().ptr(g.a().address()).ptr(g.b().address()).ptr(g.c().address())
                .bytes(g.pack()));
    }

    /** C = 0 for an empty inner dimension (one strided fill per product). */
    private void zero(GemmCall g) {
        int es = g.dtype().byteSize();
        GemmCall.Operand c = g.c();
        if (g.batchInner() <= 1 && c.col() == 1 && c.row() == g.n() && (g.batch() == 1 || c.batchOuter() == g.m() * g.n())) {
            ctx.runtime().memset8(c.address(), 0, (long) g.batch() * g.m() * g.n() * es);
            return;
        }
        for (int b = 0; b < g.batch(); b++) {
            int bo = b / Math.max(1, g.batchInner());
            int bi = b - bo * Math.max(1, g.batchInner());
            long base = g.c().address() + ((long) bo * g.c().batchOuter() + (long) bi * g.c().batchInner()) * es;
            for (int r = 0; r < g.m(); r++) {
                if (c.col() == 1) {
                    ctx.runtime().memset8(base + (long) r * c.row() * es, 0, (long) g.n() * es);
                } else {
                    for (int j = 0; j < g.n(); j++) {
                        ctx.runtime().memset8(base + ((long) r * c.row() + (long) j * c.col()) * es, 0, es);
                    }
                }
            }
        }
    }
}
