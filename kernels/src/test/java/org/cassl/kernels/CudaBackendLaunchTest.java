package org.cassl.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.cassl.detection.kernels.DetectionKernels;
import org.cassl.kernels.detection.CudaDetectionKernels;
import org.cassl.kernels.fake.RecordingRuntime;
import org.cassl.tensor.BinaryOp;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.DType;
import org.cassl.tensor.IndexOutOfRangeException;
import org.cassl.tensor.InterpolationMode;
import org.cassl.tensor.MemoryScope;
import org.cassl.tensor.Pool2dParams;
import org.cassl.tensor.ReduceOp;
import org.cassl.tensor.Shapes;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;
import org.cassl.tensor.UnaryOp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every Backend primitive of the CUDA backend run against {@link RecordingRuntime}: no kernel
 * executes, but each launch is checked against the shipped PTX (kernel name, parameter count and
 * sizes, pointers into live memory, legal grid), memory-only paths (fill, copy, upload/download)
 * are simulated exactly, and every temporary must be back in the allocator afterwards.
 */
class CudaBackendLaunchTest {
    private RecordingRuntime rt;
    private CudaBackend be;
    private MemoryScope scope;
    private long baseline;

    @BeforeEach
    void open() {
        rt = new RecordingRuntime();
        be = new CudaBackend(rt, null);
        baseline = rt.allocator().stats().bytesInUse();
        scope = be.openScope();
    }

    @AfterEach
    void close() {
        scope.close();
        assertEquals(baseline, rt.allocator().stats().bytesInUse(), "device memory leaked by an operator");
        be.close();
    }

    private Tensor f32(int... shape) {
        float[] d = new float[Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = i * 0.5f - 3;
        }
        return new Tensor(be.upload(DType.F32, d), shape, Shapes.contiguousStrides(shape), 0);
    }

    private Tensor zeros(DType t, int... shape) {
        return new Tensor(be.allocate(t, Shapes.numel(shape)), shape, Shapes.contiguousStrides(shape), 0);
    }

    private Tensor longs(long[] v, int... shape) {
        return new Tensor(be.upload(DType.I64, v), shape, Shapes.contiguousStrides(shape), 0);
    }

    private List<String> launched() {
        List<String> names = rt.launches().stream().map(l -> l.kernel().name()).collect(Collectors.toList());
        rt.clearLaunches();
        return names;
    }

    @Test
    void uploadDownloadRoundTripsAndDenseFillUsesMemset() {
        Tensor x = f32(2, 3);
        assertArrayEquals(new float[] {-3, -2.5f, -2, -1.5f, -1, -0.5f}, (float[]) be.download(x));
        be.fill(x, 7.25);
        assertTrue(launched().isEmpty(), "dense float fill is a memset");
        assertArrayEquals(new float[] {7.25f, 7.25f, 7.25f, 7.25f, 7.25f, 7.25f}, (float[]) be.download(x));
        Tensor b = zeros(DType.BOOL, 3);
        be.fill(b, Double.NaN);
        assertArrayEquals(new byte[] {1, 1, 1}, (byte[]) be.download(b));
        Tensor d = zeros(DType.F64, 4);
        be.fill(d, 0.0);
        assertTrue(launched().isEmpty());
        be.fill(d, 1.0);
        assertEquals(List.of("fill_b8"), launched());
        be.fill(x.t(), 1.0);  // transposed but still a dense run of the storage: memset
        assertTrue(launched().isEmpty());
        be.fill(x.slice(1, 0, 3, 2), 1.0);
        assertEquals(List.of("fill_b4"), launched());
        assertThrows(TensorException.class, () -> be.upload(DType.F32, new double[1]));
    }

    @Test
    void copiesUseMemcpyWhenDenseAndKernelsOtherwise() {
        Tensor x = f32(3, 4);
        Tensor y = zeros(DType.F32, 3, 4);
        be.copy(x, y);
        assertTrue(launched().isEmpty());
        assertArrayEquals((float[]) be.download(x), (float[]) be.download(y));
        Tensor yt = zeros(DType.F32, 4, 3);
        be.copy(x.t(), yt);
        assertEquals(List.of("copy_b4"), launched());
        be.copy(x, zeros(DType.I64, 3, 4));
        assertEquals(List.of("copy_cast"), launched());
        be.download(x.t());
        assertEquals(List.of("copy_b4"), launched(), "strided downloads go through a dense copy");
    }

    @Test
    void unaryBinaryWhereForEveryDtype() {
        for (DType t : DType.values()) {
            Tensor a = zeros(t, 4, 5);
            Tensor b = zeros(t, 1, 5).expand(4, 5);
            for (UnaryOp op : UnaryOp.values()) {
                Tensor out = zeros(op.boolResult() ? DType.BOOL : t, 4, 5);
                if (t.isIntegral() && op.floatOnly()) {
                    assertThrows(TensorException.class, () -> be.unary(op, a, out), op + " " + t);
                } else {
                    be.unary(op, a.t(), out.t());
                }
            }
            for (BinaryOp op : BinaryOp.values()) {
                Tensor out = zeros(op.boolResult() ? DType.BOOL : t, 4, 5);
                if (t.isIntegral() && (op == BinaryOp.DIV || op == BinaryOp.ATAN2)) {
                    assertThrows(TensorException.class, () -> be.binary(op, a, b, out));
                } else {
                    be.binary(op, a, b, out);
                    be.binary(op, a, b, a.dtype() == out.dtype() ? a : out);  // in place
                }
            }
            be.where(zeros(DType.BOOL, 4, 1).expand(4, 5), a, b, zeros(t, 4, 5));
        }
        List<String> names = launched();
        assertTrue(names.containsAll(List.of("unary_f32", "unary_f64", "unary_i64", "unary_u8", "unary_pred", "binary_f32",
                "binary_f64", "binary_i64", "binary_u8", "compare_any", "where_b1", "where_b4", "where_b8")), names.toString());
    }

    @Test
    void integerErrorsReportedByTheKernelBecomeExceptions() {
        Tensor a = zeros(DType.I64, 3);
        rt.injectError(2, 5, 0);
        IndexOutOfRangeException e = assertThrows(IndexOutOfRangeException.class,
                () -> be.binary(BinaryOp.REMAINDER, a, a, zeros(DType.I64, 3)));
        assertTrue(e.getMessage().contains("remainder: integer division by zero"), e.getMessage());
        rt.injectError(1, 7, 5);
        e = assertThrows(IndexOutOfRangeException.class,
                () -> be.indexSelect(f32(5, 2), 0, longs(new long[] {7}, 1), zeros(DType.F32, 1, 2)));
        assertTrue(e.getMessage().contains("index_select: index 7 is out of range for dimension size 5"), e.getMessage());
    }

    @Test
    void reductionsScansAndArgReductions() {
        Tensor x = f32(3, 4, 5);
        for (ReduceOp op : ReduceOp.values()) {
            DType outT = op == ReduceOp.ANY || op == ReduceOp.ALL ? DType.BOOL : DType.F32;
            be.reduce(op, x, new int[] {1}, zeros(outT, 3, 1, 5));
            be.reduce(op, x.permute(2, 0, 1), new int[] {0, 2}, zeros(outT, 1, 3, 1));
            be.reduce(op, x, new int[] {0, 1, 2}, zeros(outT, 1, 1, 1));
        }
        be.reduce(ReduceOp.SUM, zeros(DType.U8, 6), new int[] {0}, zeros(DType.I64, 1));
        be.reduce(ReduceOp.SUM, zeros(DType.F32, 0, 3), new int[] {0}, zeros(DType.F32, 1, 3));
        assertEquals(20, launched().size(), "one launch per reduction, also for an empty reduced range");
        // a single long reduction takes two passes (partials, then their reduction)
        be.reduce(ReduceOp.SUM, zeros(DType.F32, 200_000), new int[] {0}, zeros(DType.F32, 1));
        assertEquals(List.of("reduce_f32", "reduce_f64"), launched());
        be.reduce(ReduceOp.MAX, zeros(DType.I64, 200_000), new int[] {0}, zeros(DType.I64, 1));
        assertEquals(List.of("reduce_i64", "reduce_i64"), launched());
        be.argReduce(ReduceOp.MAX, x, 1, zeros(DType.F32, 3, 1, 5), zeros(DType.I64, 3, 1, 5));
        be.argReduce(ReduceOp.MIN, zeros(DType.U8, 4, 3), 0, zeros(DType.U8, 1, 3), zeros(DType.I64, 1, 3));
        be.cumsum(x, 2, zeros(DType.F32, 3, 4, 5));
        be.cumsum(zeros(DType.I64, 4, 3).t(), 0, zeros(DType.I64, 3, 4));
        assertEquals(List.of("arg_reduce_f32", "arg_reduce_u8", "cumsum_f32", "cumsum_i64"), launched());
    }

    @Test
    void gemmRoutesAndConvolutions() {
        be.matmul(f32(2, 3, 4), f32(2, 4, 5), zeros(DType.F32, 2, 3, 5));
        be.matmul(zeros(DType.F64, 1, 3, 4), zeros(DType.F64, 1, 5, 4).transpose(1, 2), zeros(DType.F64, 1, 3, 5));
        be.setAllowTf32(true);
        be.matmul(f32(1, 3, 4), f32(1, 4, 5), zeros(DType.F32, 1, 3, 5));
        be.setAllowTf32(false);
        assertEquals(List.of("gemm_f32", "gemm_f64", "gemm_tf32"), launched());
        be.matmul(f32(1, 3, 0), f32(1, 0, 5), zeros(DType.F32, 1, 3, 5));
        assertTrue(launched().isEmpty(), "K = 0 is a memset");

        Conv2dParams p = new Conv2dParams(2, 2, 1, 1, 1, 1, 2);
        Tensor x = f32(2, 4, 9, 7);
        Tensor w = f32(6, 2, 3, 3);
        int oh = p.outH(9, 3);
        int ow = p.outW(7, 3);
        Tensor out = zeros(DType.F32, 2, 6, oh, ow);
        be.conv2d(x, w, f32(6), p, out);
        assertEquals(List.of("im2col_f32", "gemm_f32", "add_bias_f32"), launched());
        be.conv2dBackwardInput(out, w, p, zeros(DType.F32, 2, 4, 9, 7));
        assertEquals(List.of("gemm_f32", "col2im_f32"), launched());
        be.conv2dBackwardWeight(out, x, p, zeros(DType.F32, 6, 2, 3, 3));
        assertEquals(List.of("im2col_f32", "gemm_f32", "gemm_f32"), launched());
        Conv2dParams one = Conv2dParams.defaults();
        Tensor o1 = zeros(DType.F64, 2, 3, 5, 5);
        be.conv2d(zeros(DType.F64, 2, 4, 5, 5), zeros(DType.F64, 3, 4, 1, 1), null, one, o1);
        be.conv2dBackwardInput(o1, zeros(DType.F64, 3, 4, 1, 1), one, zeros(DType.F64, 2, 4, 5, 5));
        be.conv2dBackwardWeight(o1, zeros(DType.F64, 2, 4, 5, 5), one, zeros(DType.F64, 3, 4, 1, 1));
        assertEquals(List.of("gemm_f64", "gemm_f64", "gemm_f64", "gemm_f64"), launched(), "1x1 convolutions skip im2col");
    }

    @Test
    void tf32NeedsAmpere() {
        RecordingRuntime turing = new RecordingRuntime(75, 1 << 24);
        CudaBackend b = new CudaBackend(turing, null);
        try (MemoryScope s = b.openScope()) {
            b.setAllowTf32(true);
            Tensor a = new Tensor(b.allocate(DType.F32, 4), new int[] {1, 2, 2}, new int[] {4, 2, 1}, 0);
            b.matmul(a, a, new Tensor(b.allocate(DType.F32, 4), new int[] {1, 2, 2}, new int[] {4, 2, 1}, 0));
            assertEquals("gemm_f32", turing.launches().get(0).kernel().name());
        } finally {
            b.close();
        }
    }

    @Test
    void poolingInterpolationAndNorms() {
        Tensor x = f32(2, 3, 8, 9);
        Pool2dParams p = Pool2dParams.of(3, 2, 1).withCeilMode(true);
        int oh = p.outH(8);
        int ow = p.outW(9);
        Tensor out = zeros(DType.F32, 2, 3, oh, ow);
        Tensor idx = zeros(DType.I64, 2, 3, oh, ow);
        be.maxPool2d(x, p, out, idx);
        be.maxPool2dBackward(out, idx, zeros(DType.F32, 2, 3, 8, 9));
        be.avgPool2d(x.permute(0, 1, 3, 2).permute(0, 1, 3, 2), p, out);
        be.avgPool2dBackward(out, p, zeros(DType.F32, 2, 3, 8, 9));
        assertEquals(List.of("max_pool2d_f32", "max_pool2d_bwd_f32", "avg_pool2d_f32", "avg_pool2d_bwd_f32"), launched());
        Tensor up = zeros(DType.F32, 2, 3, 16, 13);
        be.upsample2d(x, InterpolationMode.BILINEAR, false, -1, -1, up);
        be.upsample2dBackward(up, InterpolationMode.NEAREST, false, 2.0, 1.5, zeros(DType.F32, 2, 3, 8, 9));
        assertEquals(List.of("upsample2d_f32", "upsample2d_bwd_f32"), launched());
        Tensor g = f32(2, 6, 4, 4);
        Tensor mean = zeros(DType.F32, 2, 3);
        Tensor rstd = zeros(DType.F32, 2, 3);
        be.groupNorm(g, f32(6), null, 3, 1e-5, zeros(DType.F32, 2, 6, 4, 4), mean, rstd);
        be.groupNormBackward(g, g, f32(6), mean, rstd, 3, zeros(DType.F32, 2, 6, 4, 4), zeros(DType.F32, 6), null);
        be.batchNorm(g, f32(6), f32(6), null, f32(6), zeros(DType.F32, 2, 6, 4, 4));
        be.batchNormBackward(g, g, f32(6), f32(6), f32(6), true, zeros(DType.F32, 2, 6, 4, 4), zeros(DType.F32, 6),
                zeros(DType.F32, 6));
        assertEquals(List.of("group_norm_f32", "group_norm_bwd_sums_f32", "group_norm_bwd_dx_f32",
                "group_norm_bwd_affine_f32", "batch_norm_f32", "batch_norm_bwd_sums_f32", "batch_norm_bwd_dx_f32",
                "batch_norm_bwd_affine_f32"), launched());
    }

    @Test
    void indexingSortingAndDetection() {
        Tensor x = f32(4, 5);
        Tensor index = longs(new long[] {3, 0, 3}, 3);
        be.indexSelect(x, 0, index, zeros(DType.F32, 3, 5));
        be.indexAdd(zeros(DType.F32, 4, 5), 0, index, f32(3, 5));
        Tensor gi = longs(new long[] {0, 1, 2, 3, 4, 0}, 2, 3);
        be.gather(x, 1, gi, zeros(DType.F32, 2, 3));
        be.scatterAdd(zeros(DType.I64, 4, 5), 1, gi, zeros(DType.I64, 2, 3));
        Tensor nz = be.nonzero(x);
        assertArrayEquals(new int[] {0, 2}, nz.shape(), "the fake device counts no non-zeros");
        assertEquals(List.of("index_select_b4", "index_add_f32", "gather_b4", "scatter_add_i64", "nonzero_flags",
                "scan_tiles"), launched());
        be.sort(f32(3, 7), 1, true, zeros(DType.F32, 3, 7), zeros(DType.I64, 3, 7));
        List<String> sort = launched();
        assertEquals("sort_keys_f32", sort.get(0));
        assertEquals("radix_bits", sort.get(1));
        assertEquals("sort_write_b4", sort.get(sort.size() - 1));
        assertTrue(sort.contains("radix_flags") && sort.contains("radix_scatter"), "slice passes run for 3 slices");
        be.topk(zeros(DType.F64, 5000), 10, 0, true, zeros(DType.F64, 10), zeros(DType.I64, 10));
        assertTrue(launched().contains("scan_add_tiles"), "5000 elements need a multi-level scan");

        Tensor feat = f32(2, 3, 10, 12);
        Tensor rois = new Tensor(be.upload(DType.F32, new float[] {0, 1, 1, 6, 7, 1, 0, 0, 11, 9}), new int[] {2, 5},
                new int[] {5, 1}, 0);
        Tensor pooled = zeros(DType.F32, 2, 3, 4, 4);
        DetectionKernels det = new CudaDetectionKernels(be);
        det.roiAlign(feat, rois, 0.5, 2, true, pooled);
        det.roiAlignBackward(pooled, rois, 0.5, 0, false, zeros(DType.F32, 2, 3, 10, 12));
        Tensor boxes = f32(200, 4);
        Tensor kept = det.nms(boxes, f32(200), 0.5);
        assertEquals(0, kept.numel());
        Tensor matched = zeros(DType.I64, 30);
        det.fcosAssign(f32(30, 2), f32(30), f32(30), f32(30), f32(7, 4), 1.5, matched);
        List<String> names = launched();
        assertEquals(List.of("roi_align_f32", "roi_align_bwd_f32"), names.subList(0, 2));
        assertTrue(names.containsAll(List.of("gather_boxes_f32", "nms_mask_f32", "nms_scan", "fcos_assign_f32")),
                names.toString());
        assertFalse(det.nms(zeros(DType.F32, 0, 4), zeros(DType.F32, 0), 0.5).numel() > 0);
    }

    @Test
    void scopesReleaseEverythingTheyDidNotKeep() {
        long before = rt.allocator().stats().bytesInUse();
        Tensor kept;
        try (MemoryScope inner = be.openScope()) {
            f32(1000);
            Tensor k = f32(10);
            assertEquals(2, inner.size());
            kept = inner.keep(k);
            assertEquals(1, inner.size());
        }
        assertTrue(rt.allocator().stats().bytesInUse() > before, "the kept tensor survives the inner scope");
        assertArrayEquals(new float[] {-3, -2.5f}, java.util.Arrays.copyOf((float[]) be.download(kept), 2));
        Tensor doomed;
        try (MemoryScope inner = be.openScope()) {
            doomed = f32(4);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> be.download(doomed));
        assertTrue(e.getMessage().contains("already released"), e.getMessage());
        MemoryScope a = be.openScope();
        MemoryScope b = be.openScope();
        assertThrows(IllegalStateException.class, a::close, "out-of-order close is refused");
        b.close();
        a.close();
    }
}
