package org.cassl.detection.fcos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.cassl.detection.ConfigException;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.Target;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The {@code fpn_levels}, {@code anchor_sizes} and {@code size_ranges} config keys. */
class FcosLevelsTest {
    private static final String SMALL = "{\"backbone\": \"resnet18\", \"fpn_channels\": 32, \"num_classes\": 3, "
            + "\"min_size\": 64, \"max_size\": 64, \"frozen_bn\": false, \"trainable_backbone_layers\": 5, \"num_convs\": 1";

    @Test
    void defaultIsTorchvisionsP3ToP7() {
        FcosConfig c = FcosConfig.defaults();
        assertEquals(List.of(3, 4, 5, 6, 7), c.fpnLevels());
        assertArrayEquals(AnchorGenerator.FCOS_SIZES, c.levelAnchorSizes());
        assertEquals(null, c.levelBoundaries());
        FcosConfig back = FcosConfig.parse(c.toJson());
        assertEquals(c, back);
    }

    @Test
    void defaultModelKeepsItsWeightNames() {
        Fcos m = new Fcos(FcosConfig.parse(SMALL + "}"), new Generator(1));
        Map<String, Tensor> sd = m.stateDict();
        assertTrue(sd.containsKey("backbone.fpn.extra_blocks.p6.weight"));
        assertTrue(sd.containsKey("backbone.fpn.extra_blocks.p7.weight"));
    }

    @Test
    void fewerLevelsDropTheExtraBlocksAndTheirPoints() {
        FcosConfig three = FcosConfig.parse(SMALL + ", \"fpn_levels\": [3, 4, 5], \"anchor_sizes\": [8, 16, 32], "
                + "\"size_ranges\": [24, 48]}");
        Fcos m = new Fcos(three, new Generator(1));
        assertFalse(m.stateDict().keySet().stream().anyMatch(k -> k.contains("extra_blocks")));
        Fcos.Forward fw = m.run(List.of(Tensor.rand(new Generator(2), 3, 64, 64)), null, new Generator(3));
        assertEquals(3, fw.features().size());
        assertArrayEquals(new int[] {64, 16, 4}, fw.anchors().pointsPerLevel());

        FcosConfig four = three.withLevels(List.of(3, 4, 5, 6), null, null);
        Fcos m4 = new Fcos(four, new Generator(1));
        assertTrue(m4.stateDict().containsKey("backbone.fpn.extra_blocks.p6.weight"));
        assertFalse(m4.stateDict().containsKey("backbone.fpn.extra_blocks.p7.weight"));
        assertArrayEquals(new int[] {8, 16, 32, 64}, four.levelAnchorSizes());
        // a P3-P7 checkpoint's P3-P6 weights load into the P3-P6 model (p7 is unexpected)
        Fcos five = new Fcos(four.withLevels(List.of(3, 4, 5, 6, 7), null, null), new Generator(1));
        Map<String, Tensor> w = new java.util.LinkedHashMap<>(five.stateDict());
        w.keySet().removeIf(k -> k.contains("extra_blocks.p7"));
        m4.loadStateDict(w, true);
    }

    @Test
    void explicitSizeRangesAssignByLevel() {
        FcosConfig three = FcosConfig.parse(SMALL + ", \"fpn_levels\": [3, 4, 5], \"anchor_sizes\": [8, 16, 32], "
                + "\"size_ranges\": [14, 30]}");
        Fcos m = new Fcos(three, new Generator(1));
        Anchors a = m.anchorGenerator().generate(64, 64, List.of(new int[] {8, 8}, new int[] {4, 4}, new int[] {2, 2}),
                org.cassl.tensor.Device.CPU);
        Tensor[] bounds = m.assigner().scaleBounds(a);
        float[] lo = bounds[0].toFloatArray();
        float[] hi = bounds[1].toFloatArray();
        assertEquals(0f, lo[0]);
        assertEquals(14f, hi[63]);
        assertEquals(14f, lo[64]);
        assertEquals(30f, hi[79]);
        assertEquals(30f, lo[80]);
        assertEquals(Float.POSITIVE_INFINITY, hi[83]);
        // a 24 px box (max edge distance 12 at its centre) is assigned, never on P5 (above 30)
        Tensor gt = Tensor.of(new float[] {20, 20, 44, 44}, 1, 4);
        long[] matched = m.assigner().assign(a, gt).toLongArray();
        for (int p = 80; p < 84; p++) {
            assertEquals(-1, matched[p]);
        }
        assertTrue(java.util.Arrays.stream(matched).anyMatch(v -> v == 0));
        // same as the reference implementation
        assertArrayEquals(m.assigner().assignReference(a, gt).toLongArray(), matched);
    }

    @Test
    void trainsWithThreeLevels() {
        FcosConfig three = FcosConfig.parse(SMALL + ", \"fpn_levels\": [3, 4, 5], \"size_ranges\": [16, 32]}");
        Fcos m = new Fcos(three, new Generator(1));
        Target t = new Target(Tensor.of(new float[] {4, 4, 30, 30, 30, 20, 60, 60}, 2, 4),
                Tensor.of(new long[] {1, 2}, 2));
        var losses = m.losses(List.of(Tensor.rand(new Generator(2), 3, 64, 64)), List.of(t), new Generator(3));
        for (var v : losses.values()) {
            assertTrue(Double.isFinite(v.data().item()));
        }
    }

    @Test
    void rejectsBadLevels() {
        assertThrows(ConfigException.class, () -> FcosConfig.parse("{\"fpn_levels\": [4, 5, 6]}"));
        assertThrows(ConfigException.class, () -> FcosConfig.parse("{\"fpn_levels\": [3, 5, 6]}"));
        assertThrows(ConfigException.class, () -> FcosConfig.parse("{\"fpn_levels\": [3, 4]}"));
        assertThrows(ConfigException.class, () -> FcosConfig.parse("{\"fpn_levels\": [3, 4, 5], \"anchor_sizes\": [8, 16]}"));
        assertThrows(ConfigException.class, () -> FcosConfig.parse("{\"fpn_levels\": [3, 4, 5], \"size_ranges\": [64]}"));
        assertThrows(ConfigException.class, () -> FcosConfig.parse("{\"fpn_levels\": [3, 4, 5], \"size_ranges\": [64, 32]}"));
    }
}
