package org.cassl.autograd;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.cassl.tensor.testing.TensorAssert.assertEqual;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

/**
 * {@link Functional#batchNormAct} and {@link Functional#groupNormAct}: PyTorch's unfused
 * {@code relu(norm(x) + residual)} (goldens), and our own unfused ops to the bit.
 */
class NormActTest {
    private static Variable param(Tensor t) {
        return t == null ? null : Variable.parameter(t.copy());
    }

    @Test
    void matchesTorchGoldens() {
        for (Golden.Case c : Golden.load("norm_act").cases()) {
            Variable x = param(c.get("x"));
            Variable w = param(c.get("weight"));
            Variable b = param(c.get("bias"));
            Variable r = c.has("residual") ? param(c.get("residual")) : null;
            boolean relu = c.boolParam("relu", false);
            Variable y;
            if (c.name().startsWith("bn")) {
                Tensor rm = c.get("running_mean").copy();
                Tensor rv = c.get("running_var").copy();
                y = Functional.batchNormAct(x, rm, rv, w, b, c.boolParam("training", false), c.doubleParam("momentum"),
                        c.doubleParam("eps"), r, relu);
                assertClose(c.get("running_mean_after"), rm, 1e-6, 1e-6, c + " running mean");
                assertClose(c.get("running_var_after"), rv, 1e-6, 1e-6, c + " running var");
            } else {
                y = Functional.groupNormAct(x, c.intParam("groups"), w, b, c.doubleParam("eps"), r, relu);
            }
            assertClose(c.get("out"), y.data(), 1e-5, 1e-5, c + " out");
            y.backward(c.get("grad_out"));
            assertClose(c.get("grad_x"), x.grad(), 1e-4, 1e-5, c + " grad x");
            assertClose(c.get("grad_w"), w.grad(), 1e-4, 1e-4, c + " grad w");
            assertClose(c.get("grad_b"), b.grad(), 1e-4, 1e-4, c + " grad b");
            if (r != null) {
                assertClose(c.get("grad_residual"), r.grad(), 1e-5, 1e-5, c + " grad residual");
            }
        }
    }

    /** Runs fused or unfused on fresh parameters; returns the output and the four gradients. */
    private static Tensor[] run(boolean fused, boolean batch, Tensor x0, Tensor w0, Tensor b0, Tensor r0, boolean relu,
                                Tensor up) {
        Variable x = param(x0);
        Variable w = param(w0);
        Variable b = param(b0);
        Variable r = param(r0);
        Variable y;
        if (fused) {
            y = batch ? Functional.batchNormAct(x, null, null, w, b, true, 0.1, 1e-5, r, relu)
                    : Functional.groupNormAct(x, 8, w, b, 1e-5, r, relu);
        } else {
            y = batch ? Functional.batchNorm(x, null, null, w, b, true, 0.1, 1e-5) : Functional.groupNorm(x, 8, w, b, 1e-5);
            if (r != null) {
                y = y.add(r);
            }
            if (relu) {
                y = y.relu();
            }
        }
        // the output feeds a second use so that the residual's gradient is summed with another
        Variable loss = r == null ? y : y.mul(r);
        loss.backward(up);
        return new Tensor[] {y.data(), x.grad(), w.grad(), b.grad(), r == null ? null : r.grad()};
    }

    @Test
    void equalsTheUnfusedOpsToTheBit() {
        Generator g = new Generator(5);
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            // 16 x 37 pixels: rows longer than a vector with a scalar tail
            int[] shape = {2, 16, 37, 1};
            Tensor x = Tensor.normal(g, 0.2, 2, dt, shape);
            Tensor w = Tensor.normal(g, 1, 0.5, dt, 16);
            Tensor b = Tensor.normal(g, 0, 1, dt, 16);
            Tensor r = Tensor.normal(g, 0, 1, dt, shape);
            Tensor up = Tensor.normal(g, 0, 1, dt, shape);
            for (boolean batch : new boolean[] {true, false}) {
                for (Tensor res : new Tensor[] {null, r}) {
                    for (boolean relu : new boolean[] {true, false}) {
                        Tensor[] fused = run(true, batch, x, w, b, res, relu, up);
                        Tensor[] plain = run(false, batch, x, w, b, res, relu, up);
                        String what = dt + (batch ? " batch" : " group") + (res == null ? "" : " +residual")
                                + (relu ? " relu" : "");
                        for (int i = 0; i < fused.length; i++) {
                            if (plain[i] == null) {
                                assertNull(fused[i], what + " #" + i);
                            } else {
                                assertEqual(plain[i], fused[i], what + " #" + i);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aResidualOfAnotherShapeIsRefused() {
        Variable x = Variable.of(Tensor.zeros(2, 3, 4, 4));
        Variable r = Variable.of(Tensor.zeros(2, 3, 4, 5));
        assertThrows(ShapeMismatchException.class,
                () -> Functional.batchNormAct(x, null, null, null, null, true, 0.1, 1e-5, r, true));
        assertThrows(ShapeMismatchException.class, () -> Functional.groupNormAct(x, 3, null, null, 1e-5, r, false));
    }
}
