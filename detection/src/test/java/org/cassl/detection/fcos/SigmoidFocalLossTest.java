package org.cassl.detection.fcos;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.cassl.autograd.Variable;
import org.cassl.detection.FcosGolden;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

class SigmoidFocalLossTest {

    @Test
    void lossAndGradientMatchTorchvision() {
        for (Golden.Case c : FcosGolden.ops().cases("focal/")) {
            double alpha = c.doubleParam("alpha");
            double gamma = c.doubleParam("gamma");
            Tensor x = c.get("inputs");
            Tensor t = c.get("targets");
            assertClose(c.get("loss"), SigmoidFocalLoss.elementwise(x, t, alpha, gamma), 1e-6, 1e-7, c + " loss");
            Variable v = Variable.parameter(x);
            Variable sum = SigmoidFocalLoss.sum(v, t, alpha, gamma);
            assertClose(c.get("loss").sum(), sum.data(), 1e-5, 1e-6, c + " sum");
            sum.backward();
            assertClose(c.get("grad"), v.grad(), 1e-5, 1e-7, c + " grad");
        }
    }

    @Test
    void gradientAgreesWithFiniteDifferencesInDouble() {
        Generator gen = new Generator(11);
        Tensor x = Tensor.uniform(gen, -5, 5, DType.F64, 3, 4);
        Tensor t = Tensor.rand(gen, DType.F64, 3, 4);
        for (double[] ag : new double[][] {{0.25, 2}, {0.7, 0.5}, {-1, 3}}) {
            Variable v = Variable.parameter(x);
            SigmoidFocalLoss.sum(v, t, ag[0], ag[1]).backward();
            double[] analytic = v.grad().toDoubleArray();
            double[] base = x.toDoubleArray();
            double h = 1e-6;
            for (int i = 0; i < base.length; i++) {
                double[] up = base.clone();
                double[] down = base.clone();
                up[i] += h;
                down[i] -= h;
                double fu = SigmoidFocalLoss.elementwise(Tensor.of(up, 3, 4), t, ag[0], ag[1]).sum().item();
                double fd = SigmoidFocalLoss.elementwise(Tensor.of(down, 3, 4), t, ag[0], ag[1]).sum().item();
                assertEquals((fu - fd) / (2 * h), analytic[i], 1e-6, "alpha " + ag[0] + " gamma " + ag[1] + " at " + i);
            }
        }
    }

    @Test
    void extremeLogitsStayFinite() {
        Tensor x = Tensor.of(new float[] {-100, 100, -100, 100}, 4);
        Tensor t = Tensor.of(new float[] {0, 1, 1, 0}, 4);
        double[] loss = SigmoidFocalLoss.elementwise(x, t, 0.25, 2).toDoubleArray();
        assertEquals(0.0, loss[0], 1e-30);
        assertEquals(0.0, loss[1], 1e-30);
        assertEquals(25.0, loss[2], 1e-4);   // 0.25 * 1 * 100
        assertEquals(75.0, loss[3], 1e-4);   // 0.75 * 1 * 100
    }

    @Test
    void mismatchedTargetsAreRejected() {
        assertThrows(ShapeMismatchException.class,
                () -> SigmoidFocalLoss.elementwise(Tensor.zeros(2, 3), Tensor.zeros(3, 2), 0.25, 2));
    }
}
