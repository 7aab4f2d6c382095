package org.cassl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.nn.layers.BatchNorm2d;
import org.cassl.nn.layers.Conv2d;
import org.cassl.nn.layers.FrozenBatchNorm2d;
import org.cassl.nn.layers.Linear;
import org.cassl.nn.layers.ReLU;
import org.cassl.nn.layers.Sequential;
import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleTest {
    /** conv, bn, then a nested Sequential(linear, relu, linear). */
    static final class Net extends Module {
        final Conv2d conv;
        final BatchNorm2d bn;
        final Sequential head;

        Net(Generator g) {
            conv = registerModule("conv", new Conv2d(3, 4, 3, 3, org.cassl.tensor.Conv2dParams.defaults(), true, g));
            bn = registerModule("bn", new BatchNorm2d(4));
            head = registerModule("head", new Sequential(new Linear(4, 5, true, g), new ReLU(), new Linear(5, 2, false, g)));
        }
    }

    @Test
    void namesFollowPyTorchOrder() {
        Net net = new Net(new Generator(1));
        assertEquals(List.of("conv.weight", "conv.bias", "bn.weight", "bn.bias", "head.0.weight", "head.0.bias",
                "head.2.weight"), new ArrayList<>(net.namedParameters().keySet()));
        assertEquals(List.of("conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var",
                "bn.num_batches_tracked", "head.0.weight", "head.0.bias", "head.2.weight"),
                new ArrayList<>(net.stateDict().keySet()));
        assertFalse(net.stateDict(false).containsKey("bn.num_batches_tracked"));
        assertEquals(List.of("", "conv", "bn", "head", "head.0", "head.1", "head.2"),
                new ArrayList<>(net.namedModules().keySet()));
        assertEquals(4 * 3 * 9 + 4 + 4 + 4 + 20 + 5 + 10, net.numParameters());
        assertEquals("head.0.weight", net.namedParameters().get("head.0.weight").variable().name());
        assertEquals(DType.I64, net.stateDict().get("bn.num_batches_tracked").dtype());
        assertEquals(0, net.stateDict().get("bn.num_batches_tracked").dim());
    }

    @Test
    void trainEvalPropagatesToChildren() {
        Net net = new Net(new Generator(1));
        assertTrue(net.head.get(1).isTraining());
        net.eval();
        assertFalse(net.isTraining());
        assertFalse(net.bn.isTraining());
        assertFalse(net.head.get(2).isTraining());
        net.train(true);
        assertTrue(net.head.get(0).isTraining());
    }

    @Test
    void rejectsBadNames() {
        Module m = new Module() {
            {
                registerParameter("w", Tensor.zeros(2));
                assertThrows(IllegalArgumentException.class, () -> registerParameter("w", Tensor.zeros(2)));
                assertThrows(IllegalArgumentException.class, () -> registerBuffer("a.b", Tensor.zeros(2)));
                assertThrows(IllegalArgumentException.class, () -> registerModule("", new ReLU()));
            }
        };
        assertEquals(1, m.parameters().size());
    }

    @Test
    void frozenParametersStopGradientsAndZeroGradClears() {
        Linear lin = new Linear(3, 2, true, new Generator(2));
        lin.weight().setRequiresGrad(false);
        assertEquals(1, lin.trainableParameters().size());
        Variable x = Variable.of(Tensor.ones(4, 3));
        lin.forward(x).sum().backward();
        assertNull(lin.weight().grad());
        TensorAssert.assertClose(Tensor.full(4, DType.F32, 2), lin.bias().grad(), 0, 0, "bias grad");
        lin.zeroGrad();
        assertNull(lin.bias().grad());
        lin.requiresGrad(true);
        assertTrue(lin.weight().requiresGrad());
        lin.forward(x).sum().backward();
        TensorAssert.assertClose(Tensor.full(4, DType.F32, 2, 3), lin.weight().grad(), 0, 0, "weight grad");
    }

    @Test
    void loadStateDictRoundTripAndInPlace() {
        Net a = new Net(new Generator(1));
        Net b = new Net(new Generator(2));
        Tensor before = b.conv.weight().data();
        Map<String, Tensor> sd = a.stateDict();
        sd.get("bn.num_batches_tracked").fill(7);
        LoadResult r = b.loadStateDict(sd, true);
        assertTrue(r.isComplete());
        assertSame(before, b.conv.weight().data(), "loading copies in place");
        for (var e : a.stateDict().entrySet()) {
            TensorAssert.assertEqual(e.getValue(), b.stateDict().get(e.getKey()), e.getKey());
        }
        assertEquals(7, b.bn.numBatchesTracked());
    }

    @Test
    void loadStateDictReportsEveryProblemAndChangesNothing() {
        Net a = new Net(new Generator(1));
        Net b = new Net(new Generator(2));
        Map<String, Tensor> snapshot = copy(b.stateDict());
        Map<String, Tensor> sd = new LinkedHashMap<>(a.stateDict());
        sd.remove("conv.bias");
        sd.remove("bn.running_var");
        sd.put("extra.weight", Tensor.zeros(3));
        sd.put("head.0.weight", Tensor.zeros(5, 3));
        sd.put("bn.weight", Tensor.zeros(6));
        StateDictException e = assertThrows(StateDictException.class, () -> b.loadStateDict(sd, true));
        assertEquals(List.of("conv.bias", "bn.running_var"), e.missingKeys());
        assertEquals(List.of("extra.weight"), e.unexpectedKeys());
        assertEquals(2, e.shapeMismatches().size());
        assertEquals("bn.weight", e.shapeMismatches().get(0).key());
        assertEquals("head.0.weight", e.shapeMismatches().get(1).key());
        String msg = e.getMessage();
        for (String s : new String[] {"\"conv.bias\"", "\"bn.running_var\"", "\"extra.weight\"",
            "size mismatch for head.0.weight: copying a param with shape [5, 3] from checkpoint, the shape in current model is [5, 4]",
            "size mismatch for bn.weight"}) {
            assertTrue(msg.contains(s), () -> "message lacks " + s + ": " + msg);
        }
        for (var en : snapshot.entrySet()) {
            TensorAssert.assertEqual(en.getValue(), b.stateDict().get(en.getKey()), "unchanged " + en.getKey());
        }
    }

    @Test
    void nonStrictLoadsWhatMatchesButStillRejectsShapes() {
        Net a = new Net(new Generator(1));
        Net b = new Net(new Generator(2));
        Map<String, Tensor> sd = new LinkedHashMap<>(a.stateDict());
        sd.remove("conv.bias");
        sd.put("unused", Tensor.zeros(1));
        LoadResult r = b.loadStateDict(sd, false);
        assertEquals(List.of("conv.bias"), r.missingKeys());
        assertEquals(List.of("unused"), r.unexpectedKeys());
        TensorAssert.assertEqual(a.conv.weight().data(), b.conv.weight().data(), "loaded");
        sd.put("conv.weight", Tensor.zeros(1, 1, 1, 1));
        StateDictException e = assertThrows(StateDictException.class, () -> b.loadStateDict(sd, false));
        assertTrue(e.missingKeys().isEmpty());
        assertEquals(1, e.shapeMismatches().size());
    }

    @Test
    void numBatchesTrackedIsNeitherMissingNorUnexpected() {
        BatchNorm2d bn = new BatchNorm2d(3);
        FrozenBatchNorm2d frozen = new FrozenBatchNorm2d(3);
        Map<String, Tensor> fromBn = bn.stateDict();
        assertTrue(fromBn.containsKey("num_batches_tracked"));
        assertTrue(frozen.loadStateDict(fromBn, true).isComplete());
        assertTrue(bn.loadStateDict(frozen.stateDict(), true).isComplete());
        assertEquals(List.of("weight", "bias", "running_mean", "running_var"), new ArrayList<>(frozen.stateDict().keySet()));
        assertTrue(frozen.parameters().isEmpty());
    }

    @Test
    void weightsFileRoundTrip(@TempDir Path dir) throws Exception {
        Net a = new Net(new Generator(1));
        Net b = new Net(new Generator(2));
        Path f = dir.resolve("w.safetensors");
        Weights.save(a, f);
        assertTrue(Files.size(f) > 0);
        Map<String, Tensor> loaded = Weights.load(f);
        assertEquals(new ArrayList<>(a.stateDict().keySet()), new ArrayList<>(loaded.keySet()));
        assertTrue(Weights.loadInto(b, f, true).isComplete());
        TensorAssert.assertEqual(a.head.get(2) instanceof Linear l ? l.weight().data() : null,
                ((Linear) b.head.get(2)).weight().data(), "head.2.weight");
    }

    @Test
    void toCpuKeepsTensors() {
        Net a = new Net(new Generator(1));
        Tensor w = a.conv.weight().data();
        a.to(Device.CPU);
        assertSame(w, a.conv.weight().data());
    }

    @Test
    void toDTypeConvertsFloatingTensorsOnly() {
        Net a = new Net(new Generator(1));
        float[] before = a.conv.weight().data().toFloatArray();
        a.to(DType.F64);
        assertEquals(DType.F64, a.conv.weight().data().dtype());
        assertEquals(DType.F64, a.bn.runningVar().dtype());
        assertEquals(DType.I64, a.stateDict().get("bn.num_batches_tracked").dtype());
        assertTrue(a.conv.weight().requiresGrad());
        double[] after = a.conv.weight().data().toDoubleArray();
        for (int i = 0; i < before.length; i++) {
            assertEquals(before[i], after[i], 0.0);
        }
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }
}
