package org.cassl.kernels.ops;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;
import org.cassl.kernels.runtime.CudaRuntime;
import org.cassl.tensor.DType;

/**
 * cuBLAS through JCublas, used for GEMMs whose operands it can express (each matrix with a unit
 * stride on one axis) when {@code libcublas.so.12} loads. Row-major {@code C = A B} is computed as
 * column-major {@code C^T = B^T A^T}. When the library is missing (e.g. a CUDA 13-only machine)
 * {@link #open} returns null and {@link #unavailableReason} says why; our own kernels are used.
 */
public final class CublasGemm {
    private static volatile String unavailableReason;

    private final cublasHandle handle;
    private boolean tf32;

    private CublasGemm(cublasHandle handle) {
        this.handle = handle;
    }

    /** A cuBLAS handle bound to the runtime's stream, or null when cuBLAS cannot be loaded. */
    public static CublasGemm open(CudaRuntime rt) {
        try {
            JCublas2.setExceptionsEnabled(false);
            cublasHandle h = new cublasHandle();
            int rc = JCublas2.cublasCreate(h);
            if (rc != cublasStatus.CUBLAS_STATUS_SUCCESS) {
                unavailableReason = "cublasCreate failed: " + cublasStatus.stringFor(rc);
                return null;
            }
            JCublas2.cublasSetStream(h, new cudaStream_t(rt.stream()));
            unavailableReason = null;
            return new CublasGemm(h);
        } catch (Throwable t) {
            String msg = String.valueOf(t.getMessage());
            unavailableReason = msg.contains("libcublas") ? "libcublas.so.12 not found (JCublas 12.6 needs CUDA 12's cuBLAS)"
                    : "JCublas could not be loaded: " + t.getClass().getSimpleName() + ": " + msg.lines().findFirst().orElse("");
            return null;
        }
    }

    /** Why the last {@link #open} failed, or null. */
    public static String unavailableReason() {
        return unavailableReason;
    }

    /** Uses TF32 tensor-core math (like allow_tf32) or exact float32. */
    public void setTf32(boolean allow) {
        if (allow != tf32) {
            JCublas2.cublasSetMathMode(handle, allow ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH : cublasMath.CUBLAS_DEFAULT_MATH);
            tf32 = allow;
        }
    }

    /**
     * Runs the call if cuBLAS can express it; returns false (doing nothing) otherwise. Accumulating
     * calls use beta = 1.
     */
    public boolean tryRun(GemmCall g) {
        Layout a = layout(g.a(), g.m(), g.k());
        Layout b = layout(g.b(), g.k(), g.n());
        if (a == null || b == null || g.c().col() != 1 || g.c().row() < Math.max(1, g.n())) {
            return false;
        }
        int outer = g.batch() / Math.max(1, g.batchInner());
        int inner = g.batchInner();
        // with one outer batch the inner strides are the batch strides; with inner 1 the outer ones
        boolean flatInner = inner == 1;
        int count = flatInner ? g.batch() : inner;
        int loops = flatInner ? 1 : outer;
        long sa = flatInner ? g.a().batchOuter() : g.a().batchInner();
        long sb = flatInner ? g.b().batchOuter() : g.b().batchInner();
        long sc = flatInner ? g.c().batchOuter() : g.c().batchInner();
        int es = g.dtype().byteSize();
        for (int o = 0; o < loops; o++) {
            long offA = flatInner ? 0 : (long) o * g.a().batchOuter();
            long offB = flatInner ? 0 : (long) o * g.b().batchOuter();
            long offC = flatInner ? 0 : (long) o * g.c().batchOuter();
            Pointer pa = CudaRuntime.devicePointer(g.a().address() + offA * es);
            Pointer pb = CudaRuntime.devicePointer(g.b().address() + offB * es);
            Pointer pc = CudaRuntime.devicePointer(g.c().address() + offC * es);
            int rc;
            if (g.dtype() == DType.F32) {
                Pointer alpha = Pointer.to(new float[] {1f});
                Pointer beta = Pointer.to(new float[] {g.accumulate() ? 1f : 0f});
                rc = JCublas2.cublasSgemmStridedBatched(handle, b.op, a.op, g.n(), g.m(), g.k(), alpha, pb, b.ld, sb, pa,
                        a.ld, sa, beta, pc, g.c().row(), sc, count);
            } else {
                Pointer alpha = Pointer.to(new double[] {1});
                Pointer beta = Pointer.to(new double[] {g.accumulate() ? 1 : 0});
                rc = JCublas2.cublasDgemmStridedBatched(handle, b.op, a.op, g.n(), g.m(), g.k(), alpha, pb, b.ld, sb, pa,
                        a.ld, sa, beta, pc, g.c().row(), sc, count);
            }
            if (rc != cublasStatus.CUBLAS_STATUS_SUCCESS) {
                throw new IllegalStateException("cuBLAS gemm failed: " + cublasStatus.stringFor(rc));
            }
        }
        return true;
    }

    /** Column-major view of a row-major operand [rows, cols]: transpose flag and leading dimension. */
    private record Layout(int op, int ld) {
    }

    private static Layout layout(GemmCall.Operand x, int rows, int cols) {
        if (x.col() == 1 && x.row() >= Math.max(1, cols)) {
            return new Layout(cublasOperation.CUBLAS_OP_N, Math.max(1, x.row()));   // X^T in column-major, no transpose
        }
        if ((x.row() == 1 || rows == 1) && x.col() >= Math.max(1, rows)) {
            return new Layout(cublasOperation.CUBLAS_OP_T, Math.max(1, x.col()));
        }
        if (cols == 1 && x.row() >= 1) {
            return new Layout(cublasOperation.CUBLAS_OP_N, Math.max(1, x.row()));
        }
        return null;
    }

    public void close() {
        JCublas2.cublasDestroy(handle);
    }
}
