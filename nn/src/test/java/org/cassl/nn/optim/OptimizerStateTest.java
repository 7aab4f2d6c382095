package org.cassl.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.cassl.nn.Module;
import org.cassl.nn.Parameter;
import org.cassl.nn.StateDictException;
import org.cassl.nn.layers.BatchNorm2d;
import org.cassl.nn.layers.Conv2d;
import org.cassl.nn.layers.GroupNorm;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.Test;

/** Exact resume from exported optimiser state, group building and argument checks. */
class OptimizerStateTest {
    private static final Tensor TARGET = Tensor.of(new float[] {1, -2, 3, 0.5f, -1, 2}, 2, 3);

    /** Sets grad = 2 * (p - target) * (step + 1), deterministic without autograd. */
    private static void grad(Parameter p, int step) {
        p.setGrad(p.data().sub(TARGET).mul(2.0 * (step + 1)));
    }

    private static void resumeIsExact(BiFunction<List<Parameter>, Double, Optimizer> make) {
        Parameter a = new Parameter(Tensor.zeros(2, 3));
        Optimizer straight = make.apply(List.of(a), 0.05);
        for (int s = 0; s < 6; s++) {
            grad(a, s);
            straight.step();
        }
        Parameter b = new Parameter(Tensor.zeros(2, 3));
        Optimizer first = make.apply(List.of(b), 0.05);
        for (int s = 0; s < 3; s++) {
            grad(b, s);
            first.step();
        }
        OptimizerState saved = first.stateDict();
        Parameter c = new Parameter(b.data().copy());
        Optimizer second = make.apply(List.of(c), 999.0);
        second.loadStateDict(saved);
        assertEquals(0.05, second.paramGroups().get(0).lr());
        assertEquals(3, second.stepCount(c));
        for (int s = 3; s < 6; s++) {
            grad(c, s);
            second.step();
        }
        TensorAssert.assertEqual(a.data(), c.data(), "resumed " + straight.type());
    }

    @Test
    void sgdResumesExactly() {
        resumeIsExact((ps, lr) -> new Sgd(List.of(new ParamGroup(ps, lr, 0.01)), 0.9, 0, true));
    }

    @Test
    void adamwResumesExactly() {
        resumeIsExact((ps, lr) -> new AdamW(List.of(new ParamGroup(ps, lr, 0.01)), 0.9, 0.999, 1e-8, true));
    }

    @Test
    void stateNamesAndValidation() {
        Parameter p = new Parameter(Tensor.zeros(2, 3));
        AdamW opt = new AdamW(List.of(p), 0.1, 0);
        grad(p, 0);
        opt.step();
        OptimizerState st = opt.stateDict();
        assertEquals(List.of("state.0.exp_avg", "state.0.exp_avg_sq"), st.tensors().keySet().stream().sorted().toList());
        assertEquals("adamw", st.scalars().get("type"));
        Sgd sgd = new Sgd(List.of(new Parameter(Tensor.zeros(2, 3))), 0.1, 0.9, 0);
        assertThrows(TensorException.class, () -> sgd.loadStateDict(st));
        AdamW wrongShape = new AdamW(List.of(new Parameter(Tensor.zeros(3, 2))), 0.1, 0);
        StateDictException e = assertThrows(StateDictException.class, () -> wrongShape.loadStateDict(st));
        assertEquals(2, e.shapeMismatches().size());
        assertThrows(TensorException.class, () -> new Sgd(List.of(new ParamGroup(List.of(p), 0.1, 0)), 0, 0, true));
        assertThrows(TensorException.class, () -> new Sgd(List.of(new ParamGroup(List.of(p), 0.1, 0),
                new ParamGroup(List.of(p), 0.1, 0)), 0, 0, false));
        assertThrows(TensorException.class, () -> new ParamGroup(List.of(p), -1, 0));
    }

    @Test
    void decaySplitExcludesNormWeightsAndBiases() {
        Module m = new Module() {
            final Conv2d conv = registerModule("conv", new Conv2d(3, 8, 3, 3, Conv2dParams.defaults(), true,
                    new Generator(1)));
            final BatchNorm2d bn = registerModule("bn", new BatchNorm2d(8));
            final GroupNorm gn = registerModule("gn", new GroupNorm(2, 8));
            final Conv2d frozen = registerModule("frozen", new Conv2d(8, 8, 1, 1, Conv2dParams.defaults(), false,
                    new Generator(2)));
        };
        m.namedParameters().get("frozen.weight").setRequiresGrad(false);
        List<ParamGroup> groups = ParamGroups.splitDecay(m, 0.01, 1e-4, 0);
        assertEquals(2, groups.size());
        Map<String, Parameter> named = m.namedParameters();
        assertEquals(List.of(named.get("conv.weight")), groups.get(0).params());
        assertEquals(List.of(named.get("conv.bias"), named.get("bn.weight"), named.get("bn.bias"), named.get("gn.weight"),
                named.get("gn.bias")), groups.get(1).params());
        assertEquals(1e-4, groups.get(0).weightDecay());
        assertEquals(0.0, groups.get(1).weightDecay());
        Map<String, Object> unused = new LinkedHashMap<>();
        assertTrue(unused.isEmpty());
    }

    @Test
    void parametersWithoutGradientsAreSkipped() {
        Parameter p = new Parameter(Tensor.ones(2));
        Sgd opt = new Sgd(List.of(p), 0.1, 0.9, 0.5);
        opt.step();
        TensorAssert.assertEqual(Tensor.ones(2), p.data(), "untouched without grad");
        assertEquals(0, opt.stepCount(p));
        assertTrue(opt.stateDict().tensors().isEmpty());
    }
}
