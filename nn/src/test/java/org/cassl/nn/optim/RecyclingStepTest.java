package org.cassl.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.nn.layers.BatchNorm2d;
import org.cassl.nn.layers.Conv2d;
import org.cassl.nn.layers.ReLU;
import org.cassl.nn.layers.Sequential;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Device;
import org.cassl.tensor.Generator;
import org.cassl.tensor.MemoryScope;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Training steps inside recycling CPU scopes (one per step, keeping the state dict and the
 * optimizer's gradients and momentum, as the trainer does) end bit-identical to steps without
 * scopes, although every activation and temporary array is reused from the step before.
 */
class RecyclingStepTest {
    private static Sequential model() {
        Generator g = new Generator(3);
        return new Sequential(new Conv2d(3, 8, 3, 3, Conv2dParams.of(1, 1, 1, 1), true, g), new BatchNorm2d(8), new ReLU(),
                new Conv2d(8, 4, 3, 3, Conv2dParams.of(1, 1, 1, 1), false, g));
    }

    private static List<Double> train(Sequential model, boolean recycle) {
        Sgd opt = new Sgd(ParamGroups.single(model, 0.05, 1e-4), 0.9, 0, false);
        Tensor x = Tensor.randn(new Generator(4), 2, 3, 24, 24);
        List<Double> losses = new ArrayList<>();
        for (int step = 0; step < 4; step++) {
            MemoryScope scope = recycle ? MemoryScope.openRecycling(Device.CPU) : MemoryScope.none();
            try (scope) {
                opt.zeroGrad();
                Variable loss = model.forward(Variable.of(x)).pow(2).mean();
                losses.add(loss.item());
                loss.backward();
                opt.step();
                if (recycle) {
                    assertTrue(scope.size() > 0, "the step's activations belong to the scope");
                }
                scope.keepAll(model.stateDict().values());
                scope.keepAll(opt.persistentTensors());
            }
        }
        return losses;
    }

    @Test
    void recycledStepsMatchPlainSteps() {
        Sequential plain = model();
        Sequential recycled = model();
        List<Double> expected = train(plain, false);
        assertEquals(expected, train(recycled, true));
        Map<String, Tensor> a = plain.stateDict();
        Map<String, Tensor> b = recycled.stateDict();
        for (Map.Entry<String, Tensor> e : a.entrySet()) {
            assertArrayEquals(e.getValue().to(org.cassl.tensor.DType.F64).toDoubleArray(),
                    b.get(e.getKey()).to(org.cassl.tensor.DType.F64).toDoubleArray(), e.getKey());
        }
    }
}
