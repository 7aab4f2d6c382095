package org.cassl.autograd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs golden op cases: applies each input's recorded view to its base, runs the op on
 * variables, compares the forward outputs (and integer outputs exactly), back-propagates the
 * recorded upstream gradients and compares the input gradients with PyTorch's.
 */
final class GoldenRunner {
    private GoldenRunner() {
    }

    /** float32 tolerances for a family; float64 cases use 1e-10 / 1e-12. */
    record Tolerance(double rtol, double atol) {
    }

    static List<DynamicTest> tests(String file, Tolerance f32) {
        Golden g = Golden.load(file);
        assertFalse(g.cases().isEmpty(), file + " has no cases");
        return g.cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> Checks.run(() -> run(c, f32))))
                .collect(Collectors.toList());
    }

    static void run(Golden.Case c, Tolerance f32) {
        JsonNode p = c.params();
        String opName = c.stringParam("op");
        GoldenOps.Op op = GoldenOps.OPS.get(opName);
        assertNotNull(op, "no Java op registered for golden op " + opName);
        JsonNode views = p.get("views");
        JsonNode grads = p.get("grads");
        Variable[] in = new Variable[views.size()];
        for (int i = 0; i < in.length; i++) {
            Tensor x = GoldenOps.view(c.get("x" + i), views.get(i).asText());
            in[i] = grads.get(i).asBoolean() ? Variable.parameter(x) : Variable.of(x);
        }
        boolean f64 = "float64".equals(c.stringParam("dtype"));
        double rtol = f64 ? 1e-10 : f32.rtol();
        double atol = f64 ? 1e-12 : f32.atol();
        String name = c.name();

        GoldenOps.Outputs out = op.apply(p.get("args"), in, c);
        for (int k = 0; k < out.values().size(); k++) {
            TensorAssert.assertClose(c.get("out" + k), out.values().get(k).data(), rtol, atol, name + " forward " + k);
        }
        for (int k = 0; k < out.indices().size(); k++) {
            TensorAssert.assertEqual(c.get("idx" + k), out.indices().get(k), name + " indices " + k);
        }
        for (Map.Entry<String, Tensor> e : out.extras().entrySet()) {
            TensorAssert.assertClose(c.get("e_" + e.getKey()), e.getValue(), rtol, atol, name + " " + e.getKey());
        }

        backward(c, out.values());
        for (int i = 0; i < in.length; i++) {
            if (!grads.get(i).asBoolean()) {
                continue;
            }
            Tensor expected = c.get("gx" + i);
            Tensor actual = in[i].grad() != null ? in[i].grad() : expected.zerosLike();
            TensorAssert.assertClose(expected, actual, rtol, atol, name + " gradient of input " + i);
        }
    }

    /** Back-propagates {@code sum_k <g_k, out_k>} (a single output takes its gradient directly). */
    private static void backward(Golden.Case c, List<Variable> outs) {
        if (outs.size() == 1) {
            if (outs.get(0).requiresGrad()) {
                outs.get(0).backward(c.get("g0"));
            }
            return;
        }
        Variable total = null;
        for (int k = 0; k < outs.size(); k++) {
            Variable o = outs.get(k);
            if (!o.requiresGrad()) {
                continue;
            }
            Variable term = o.mul(Variable.of(c.get("g" + k))).sum();
            total = total == null ? term : total.add(term);
        }
        if (total != null) {
            total.backward();
        }
    }
}
