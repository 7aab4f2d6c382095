package org.cassl.nn.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cassl.nn.Init;
import org.cassl.nn.Module;
import org.cassl.nn.Parameter;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.cassl.tensor.TensorException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Key names, order and shapes against torchvision 0.14 (golden lists from gen_nn.py). */
class StateDictKeysTest {
    private static Golden golden;

    @BeforeAll
    static void load() {
        golden = Golden.load("nn_keys");
    }

    static Stream<String> archs() {
        return Stream.of("resnet18", "resnet34", "resnet50");
    }

    /** Backbone cases: arch x (norm, trainable layers) as in the generator. */
    static Stream<String> backbones() {
        return archs().flatMap(a -> Stream.of(a + "_fpn_bn_5", a + "_fpn_frozen_3", a + "_fpn_bn_0", a + "_fpn_frozen_1"));
    }

    @ParameterizedTest
    @MethodSource("archs")
    void classifierKeysMatchTorchvision(String arch) {
        ResNet net;
        try (var skip = Init.skipRandom()) {
            net = new ResNet(ResNet.Arch.parse(arch), NormKind.BATCH, 1000, new Generator(0));
        }
        check(golden.cases("keys/" + arch).stream().filter(c -> c.name().equals("keys/" + arch)).findFirst().orElseThrow(),
                net);
    }

    @ParameterizedTest
    @MethodSource("backbones")
    void fpnBackboneKeysAndTrainableParameters(String name) {
        String[] parts = name.split("_");
        ResNet.Arch arch = ResNet.Arch.parse(parts[0]);
        NormKind norm = parts[2].equals("bn") ? NormKind.BATCH : NormKind.FROZEN;
        int trainable = Integer.parseInt(parts[3]);
        BackboneWithFpn b;
        try (var skip = Init.skipRandom()) {
            b = BackboneWithFpn.fcosBackbone(arch, norm, trainable, new Generator(0));
        }
        Golden.Case c = golden.cases("keys/" + name).get(0);
        check(c, b);
        List<String> want = strings(c.params().get("trainable"));
        List<String> got = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : b.namedParameters().entrySet()) {
            if (e.getValue().requiresGrad()) {
                got.add(e.getKey());
            }
        }
        assertEquals(want, got, "parameters requiring grad");
        assertEquals(List.of("0", "1", "2", "p6", "p7"), b.featureNames());
    }

    @Test
    void trainableLayersFollowTorchvisionValidation() {
        assertEquals(5, BackboneWithFpn.validateTrainableLayers(false, null, 5, 3), "random init trains everything");
        assertEquals(5, BackboneWithFpn.validateTrainableLayers(false, 2, 5, 3));
        assertEquals(3, BackboneWithFpn.validateTrainableLayers(true, null, 5, 3));
        assertEquals(1, BackboneWithFpn.validateTrainableLayers(true, 1, 5, 3));
        assertThrows(TensorException.class, () -> BackboneWithFpn.validateTrainableLayers(true, 6, 5, 3));
        assertThrows(TensorException.class, () -> BackboneWithFpn.freezeLayers(
                new ResNet(ResNet.Arch.RESNET18, NormKind.FROZEN, 0, new Generator(0)), -1));
        assertEquals(ResNet.Arch.RESNET34, ResNet.Arch.parse("resnet34"));
        assertThrows(TensorException.class, () -> ResNet.Arch.parse("resnet101"));
    }

    private static void check(Golden.Case c, Module m) {
        List<String> keys = strings(c.params().get("keys"));
        Map<String, Tensor> sd = m.stateDict();
        assertEquals(keys, new ArrayList<>(sd.keySet()), c.name() + " keys");
        JsonNode shapes = c.params().get("shapes");
        for (int i = 0; i < keys.size(); i++) {
            int[] want = new int[shapes.get(i).size()];
            for (int d = 0; d < want.length; d++) {
                want[d] = shapes.get(i).get(d).asInt();
            }
            assertEquals(Arrays.toString(want), Arrays.toString(sd.get(keys.get(i)).shape()), keys.get(i));
        }
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }
}
