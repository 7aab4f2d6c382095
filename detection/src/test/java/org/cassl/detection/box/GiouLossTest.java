package org.cassl.detection.box;

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

class GiouLossTest {

    @Test
    void lossAndGradientMatchTorchvisionIncludingTiesAndDisjointBoxes() {
        Golden.Case c = FcosGolden.opsCase("giou_loss/mixed");
        Tensor b1 = c.get("boxes1");
        Tensor b2 = c.get("boxes2");
        double eps = c.doubleParam("eps");
        assertClose(c.get("loss"), GiouLoss.elementwise(b1, b2, eps), 1e-6, 1e-6, "loss");
        Variable p = Variable.parameter(b1);
        Variable sum = GiouLoss.sum(p, b2, eps);
        assertClose(c.get("loss").sum(), sum.data(), 1e-6, 1e-6, "sum");
        sum.backward();
        assertClose(c.get("grad"), p.grad(), 1e-5, 1e-7, "grad");
    }

    @Test
    void gradientAgreesWithFiniteDifferencesInDouble() {
        Generator gen = new Generator(7);
        Tensor gt = Tensor.of(new double[] {0, 0, 10, 10, 5, 5, 20, 9, 0, 0, 4, 4, 2, 3, 8, 12}, 4, 4);
        Tensor noise = Tensor.normal(gen, 0, 2, DType.F64, 4, 4);
        Tensor pred = gt.add(noise);
        pred.select(0, 2).copyFrom(Tensor.of(new double[] {30, 30, 35, 37}, 4)); // disjoint
        Variable p = Variable.parameter(pred);
        GiouLoss.sum(p, gt, 1e-7).backward();
        double[] analytic = p.grad().toDoubleArray();
        double h = 1e-6;
        double[] base = pred.toDoubleArray();
        for (int i = 0; i < base.length; i++) {
            double[] up = base.clone();
            double[] down = base.clone();
            up[i] += h;
            down[i] -= h;
            double fu = GiouLoss.elementwise(Tensor.of(up, 4, 4), gt, 1e-7).sum().item();
            double fd = GiouLoss.elementwise(Tensor.of(down, 4, 4), gt, 1e-7).sum().item();
            assertEquals((fu - fd) / (2 * h), analytic[i], 1e-6, "d loss / d box[" + i + "]");
        }
    }

    @Test
    void mismatchedShapesAreRejected() {
        assertThrows(ShapeMismatchException.class, () -> GiouLoss.elementwise(Tensor.zeros(3, 4), Tensor.zeros(2, 4), 1e-7));
    }
}
