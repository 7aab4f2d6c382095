package org.cassl.detection.ops;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Function;
import org.cassl.autograd.GradCheck;
import org.cassl.autograd.Variable;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The differentiable RoIAlign op: forward and backward against torchvision's autograd
 * ({@code tools/golden/gen_ops.py}, file {@code ops_roi_align}) and gradcheck in float64.
 */
class RoiAlignOpTest {

    @Test
    void forwardAndBackwardMatchTorchvisionAutograd() {
        List<Golden.Case> cases = Golden.load("ops_roi_align").cases();
        assertFalse(cases.isEmpty());
        for (Golden.Case c : cases) {
            JsonNode args = c.params().get("args");
            int[] size = {args.get("output_size").get(0).asInt(), args.get("output_size").get(1).asInt()};
            double scale = args.get("spatial_scale").asDouble();
            int ratio = args.get("sampling_ratio").asInt();
            boolean aligned = args.get("aligned").asBoolean();
            Variable x = Variable.parameter(c.get("x0"));
            Variable y = RoiAlign.apply(x, c.get("c_rois"), size[0], size[1], scale, ratio, aligned);
            assertClose(c.get("out0"), y.data(), 1e-4, 1e-5, c + " out");
            y.backward(c.get("g0"));
            assertClose(c.get("gx0"), x.grad(), 1e-4, 1e-5, c + " grad");
        }
    }

    private static Tensor randn(long seed, int... shape) {
        return Tensor.normal(new Generator(seed), 0, 1, DType.F64, shape);
    }

    private static DynamicTest gradcheck(String name, Function<Variable[], Variable> f, Tensor... inputs) {
        return DynamicTest.dynamicTest(name, () -> GradCheck.assertGradients(f, inputs));
    }

    @TestFactory
    List<DynamicTest> gradcheckInFloat64() {
        Tensor rois = Tensor.of(new double[] {0, 1.2, 0.7, 5.5, 6.1, 1, 0.3, 2.2, 7.0, 4.9, 0, 3, 3, 3.5, 4}, 3, 5);
        Tensor one = Tensor.of(new double[] {0, 1.2, 0.7, 5.5, 6.1}, 1, 5);
        return List.of(
            gradcheck("roi_align_aligned", v -> RoiAlign.apply(v[0], rois, 3, 2, 1.0, 2, true), randn(43, 2, 2, 8, 8)),
            gradcheck("roi_align_scaled_adaptive", v -> RoiAlign.apply(v[0], rois, 2, 2, 0.5, 0, false),
                    randn(44, 2, 1, 5, 5)),
            // a sum gives the backward a stride-0 upstream gradient
            gradcheck("roi_align_sum", v -> RoiAlign.apply(v[0], one, 2, 2, 1.0, 2, true).sum(), randn(76, 1, 2, 8, 8)));
    }

    @Test
    void rejectsBadShapes() {
        Tensor x = Tensor.zeros(1, 2, 4, 4);
        assertThrows(ShapeMismatchException.class, () -> RoiAlign.forward(x, Tensor.zeros(3, 4), 2, 2, 1, 0, false));
        assertThrows(ShapeMismatchException.class,
                () -> RoiAlign.forward(Tensor.zeros(2, 4, 4), Tensor.zeros(1, 5), 2, 2, 1, 0, false));
        assertTrue(RoiAlign.forward(x, Tensor.zeros(0, 5), 2, 2, 1, 0, false).numel() == 0);
    }
}
