package org.cassl.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Stream;
import org.cassl.autograd.Variable;
import org.cassl.nn.Parameter;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SGD and AdamW trajectories on {@code sum(w * (p - t)^2)} against torch.optim (PyTorch 1.13):
 * two parameters, the second without a gradient on the first step (so it gets no state and no
 * step count then), and the exported state compared with torch's {@code optimizer.state}.
 */
class OptimizerGoldenTest {
    static Stream<Golden.Case> cases() {
        return Golden.load("nn_optim").cases("optim/").stream();
    }

    /** Builds the optimiser a case describes over parameters x and b. */
    static Optimizer build(Golden.Case c, Parameter x, Parameter b) {
        JsonNode p = c.params();
        String type = p.get("type").asText();
        List<ParamGroup> groups;
        if (p.has("groups")) {
            JsonNode g = p.get("groups");
            groups = List.of(new ParamGroup(List.of(x), g.get(0).get("lr").asDouble(), g.get(0).get("weight_decay").asDouble()),
                    new ParamGroup(List.of(b), g.get(1).get("lr").asDouble(), g.get(1).get("weight_decay").asDouble()));
        } else {
            double wd = p.has("weight_decay") ? p.get("weight_decay").asDouble() : 0;
            groups = List.of(new ParamGroup(List.of(x, b), p.get("lr").asDouble(), wd));
        }
        if (type.equals("sgd")) {
            return new Sgd(groups, p.path("momentum").asDouble(0), p.path("dampening").asDouble(0),
                    p.path("nesterov").asBoolean(false));
        }
        return new AdamW(groups, p.path("beta1").asDouble(0.9), p.path("beta2").asDouble(0.999),
                p.path("eps").asDouble(1e-8), p.path("amsgrad").asBoolean(false));
    }

    /** One step's loss: only x on step 0, both afterwards (as the generator). */
    static void lossAndBackward(Golden.Case c, Parameter x, Parameter b, int step) {
        Variable lx = term(x, c.get("tx"), c.get("wx"));
        Variable loss = step == 0 ? lx : lx.add(term(b, c.get("tb"), c.get("wb")));
        loss.backward();
    }

    private static Variable term(Parameter p, Tensor target, Tensor weight) {
        Variable d = p.variable().sub(Variable.of(target));
        return Variable.of(weight).mul(d.mul(d)).sum();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void trajectoryAndStateMatchTorch(Golden.Case c) {
        Parameter x = new Parameter(c.get("x0").copy());
        Parameter b = new Parameter(c.get("b0").copy());
        Optimizer opt = build(c, x, b);
        int steps = c.intParam("steps");
        for (int s = 0; s < steps; s++) {
            opt.zeroGrad();
            lossAndBackward(c, x, b, s);
            opt.step();
            TensorAssert.assertClose(c.get("traj_x").select(0, s), x.data(), 1e-5, 1e-6, c + " x step " + s);
            TensorAssert.assertClose(c.get("traj_b").select(0, s), b.data(), 1e-5, 1e-6, c + " b step " + s);
        }
        OptimizerState st = opt.stateDict();
        for (var e : c.tensors().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("state/")) {
                String[] parts = k.split("/");
                TensorAssert.assertClose(e.getValue(), st.tensors().get("state." + parts[1] + "." + parts[2]), 1e-5, 1e-7,
                        c + " " + k);
            } else if (k.startsWith("step/")) {
                Parameter p = k.endsWith("0") ? x : b;
                assertEquals(e.getValue().getLong(0), opt.stepCount(p), c + " " + k);
            }
        }
    }
}
