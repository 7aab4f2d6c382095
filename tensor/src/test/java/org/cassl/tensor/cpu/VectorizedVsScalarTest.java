package org.cassl.tensor.cpu;

import org.cassl.tensor.BinaryOp;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.UnaryOp;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.Test;

/** The Vector API paths of the elementwise kernels against the plain scalar reference backend. */
class VectorizedVsScalarTest {
    private final CpuBackend fast = new CpuBackend(2, true);
    private final CpuBackend reference = new CpuBackend(1, false);

    @Test
    void binaryOpsOnDenseBroadcastAndStridedOperands() {
        Generator g = new Generator(11);
        Tensor a = Tensor.randn(g, 7, 37);
        Tensor b = Tensor.randn(g, 7, 37).add(0.5);
        Tensor[][] pairs = {
            {a, b},
            {a, Tensor.scalar(1.7f).expand(7, 37)},
            {Tensor.scalar(-0.3f).expand(7, 37), b},
            {a.t().contiguous().t(), b},
            {a.slice(1, 0, 37, 1), b.expand(7, 37)},
        };
        for (BinaryOp op : BinaryOp.values()) {
            for (Tensor[] p : pairs) {
                DType out = op.boolResult() ? DType.BOOL : DType.F32;
                Tensor x = Tensor.zeros(out, 7, 37);
                Tensor y = Tensor.zeros(out, 7, 37);
                fast.binary(op, p[0], p[1], x);
                reference.binary(op, p[0], p[1], y);
                TensorAssert.assertEqual(y, x, op.name());
            }
        }
    }

    @Test
    void unaryOps() {
        Tensor a = Tensor.randn(new Generator(5), 3, 53).mul(3);
        for (UnaryOp op : UnaryOp.values()) {
            DType out = op.boolResult() ? DType.BOOL : DType.F32;
            Tensor x = Tensor.zeros(out, 3, 53);
            Tensor y = Tensor.zeros(out, 3, 53);
            fast.unary(op, a, x);
            reference.unary(op, a, y);
            TensorAssert.assertEqual(y, x, op.name());
        }
    }
}
