package org.cassl.detection.fcos;

import static org.cassl.tensor.testing.TensorAssert.assertEqual;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.TreeSet;
import org.cassl.detection.FcosConfig.Assignment;
import org.cassl.detection.FcosGolden;
import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

class FcosTargetAssignerTest {
    private final FcosTargetAssigner torchvision = new FcosTargetAssigner(Assignment.TORCHVISION, 1.5);
    private final FcosTargetAssigner original = new FcosTargetAssigner(Assignment.ORIGINAL, 1.5);

    private static Anchors square(int size, boolean halfStride) {
        List<int[]> grids = new java.util.ArrayList<>();
        int g = size / 8;
        for (int l = 0; l < 5; l++) {
            grids.add(new int[] {g, g});
            g = (g + 1) / 2;
        }
        return new AnchorGenerator(AnchorGenerator.FCOS_SIZES, halfStride).generate(size, size, grids, Device.CPU);
    }

    private static Tensor boxes(float... v) {
        return Tensor.of(v, v.length / 4, 4);
    }

    private static TreeSet<Integer> matchedPoints(Tensor matched, long box) {
        long[] m = matched.toLongArray();
        TreeSet<Integer> r = new TreeSet<>();
        for (int i = 0; i < m.length; i++) {
            if (m[i] == box) {
                r.add(i);
            }
        }
        return r;
    }

    @Test
    void referenceMatchesTorchvisionGoldens() {
        for (Golden.Case c : FcosGolden.ops().cases("assign/")) {
            Anchors a = AnchorGeneratorTest.anchors(c);
            assertEqual(c.get("matched"), torchvision.assignReference(a, c.get("boxes")), c.name());
        }
    }

    @Test
    void backendKernelMatchesTheReference() {
        for (Golden.Case c : FcosGolden.ops().cases("assign/")) {
            Anchors a = AnchorGeneratorTest.anchors(c);
            assertEqual(c.get("matched"), torchvision.assign(a, c.get("boxes")), c.name());
        }
        Generator gen = new Generator(5);
        Anchors a = square(256, false);
        for (int trial = 0; trial < 5; trial++) {
            Tensor b = randomBoxes(gen, 12, 256);
            assertEqual(torchvision.assignReference(a, b), torchvision.assign(a, b), "random trial " + trial);
        }
    }

    static Tensor randomBoxes(Generator gen, int n, int size) {
        float[] v = new float[n * 4];
        for (int i = 0; i < n; i++) {
            float w = 4 + (float) gen.nextDouble() * size * 0.8f;
            float h = 4 + (float) gen.nextDouble() * size * 0.8f;
            float x = (float) gen.nextDouble() * (size - w);
            float y = (float) gen.nextDouble() * (size - h);
            // some boxes on integer coordinates, so points fall exactly on edges and range limits
            if (i % 3 == 0) {
                x = Math.round(x);
                y = Math.round(y);
                w = Math.round(w);
                h = Math.round(h);
            }
            v[4 * i] = x;
            v[4 * i + 1] = y;
            v[4 * i + 2] = x + w;
            v[4 * i + 3] = y + h;
        }
        return Tensor.of(v, n, 4);
    }

    @Test
    void referenceAgreesWithThePlainLoopOracleOnRandomBoxes() {
        Generator gen = new Generator(17);
        for (Assignment rules : Assignment.values()) {
            FcosTargetAssigner assigner = rules == Assignment.ORIGINAL ? original : torchvision;
            Anchors a = square(256, rules == Assignment.ORIGINAL);
            for (int trial = 0; trial < 4; trial++) {
                Tensor b = randomBoxes(gen, 10, 256);
                long[] expect = AssignmentOracle.assign(rules, a, b, 1.5f);
                assertArrayEquals(expect, assigner.assignReference(a, b).toLongArray(), rules + " trial " + trial);
            }
        }
    }

    @Test
    void centreSamplingIsStrictAtRadiusTimesAnchorSize() {
        // centre (20, 20): level-0 points (anchor 8) with |x - 20| or |y - 20| = 12 = 1.5 * 8 are excluded
        Tensor m = torchvision.assignReference(square(64, false), boxes(2, 2, 38, 38));
        assertEquals(new TreeSet<>(List.of(2 * 8 + 2, 2 * 8 + 3, 3 * 8 + 2, 3 * 8 + 3)), matchedPoints(m, 0));
    }

    @Test
    void scaleRangesAreStrictOnBothSides() {
        Anchors a = square(256, false);
        Tensor m = torchvision.assignReference(a, boxes(0, 0, 128, 128));
        int level1 = 32 * 32;
        // (64, 64): max distance exactly 64, neither < 64 (level 0) nor > 64 (level 1)
        assertEquals(-1, m.getLong(8 * 32 + 8));
        assertEquals(-1, m.getLong(level1 + 4 * 16 + 4));
        // (48, 48) on level 1: max distance 80 in (64, 128)
        assertEquals(0, m.getLong(level1 + 3 * 16 + 3));
        assertEquals(0, matchedPoints(m, 0).headSet(level1).size(), "no level-0 point may match");
    }

    @Test
    void smallestAreaWinsAmongMatches() {
        Tensor m = torchvision.assignReference(square(64, false), boxes(0, 0, 48, 48, 20, 20, 28, 28));
        assertEquals(1, m.getLong(3 * 8 + 3), "point (24, 24) lies in both; the smaller box wins");
        assertEquals(0, m.getLong(2 * 8 + 2), "point (16, 16) is only inside the large box");
    }

    @Test
    void emptyGroundTruthIsAllBackground() {
        Anchors a = square(64, false);
        Tensor none = Tensor.zeros(DType.F32, 0, 4);
        for (FcosTargetAssigner t : new FcosTargetAssigner[] {torchvision, original}) {
            Tensor m = t.assign(a, none);
            assertEquals(a.numPoints(), m.numel());
            assertEquals(-1, m.max().item());
            assertEquals(-1, m.min().item());
        }
    }

    @Test
    void originalRulesClipTheCentreRegionAndCountAreaWithPlusOne() {
        Anchors a = square(64, true);
        // a 2 x 8 and a 4 x 4 box around point (12, 12): same area 16, but (w+1)(h+1) is 27 vs 25
        Tensor b = boxes(11, 8, 13, 16, 10, 10, 14, 14);
        assertEquals(1, original.assignReference(a, b).getLong(1 * 8 + 1));
        assertEquals(0, torchvision.assignReference(square(64, false), boxes(15, 12, 17, 20, 14, 14, 18, 18))
                .getLong(2 * 8 + 2), "torchvision: equal areas tie, the first box wins");
        // centre region clipped to the box: a thin box 1 px wide only contains points strictly inside it
        Tensor thin = boxes(11.5f, 0, 12.5f, 64);
        TreeSet<Integer> pts = matchedPoints(original.assignReference(a, thin), 0);
        for (int p : pts) {
            assertEquals(12.0, a.centers().getDouble(p, 0));
        }
    }
}
