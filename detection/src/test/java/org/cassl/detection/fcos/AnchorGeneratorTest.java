package org.cassl.detection.fcos;

import static org.cassl.tensor.testing.TensorAssert.assertEqual;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.cassl.detection.FcosGolden;
import org.cassl.tensor.Device;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

class AnchorGeneratorTest {

    static List<int[]> grids(Golden.Case c) {
        List<int[]> r = new ArrayList<>();
        for (var n : c.params().get("grids")) {
            r.add(new int[] {n.get(0).asInt(), n.get(1).asInt()});
        }
        return r;
    }

    static Anchors anchors(Golden.Case c) {
        int[] padded = c.intsParam("padded");
        return AnchorGenerator.fcos().generate(padded[0], padded[1], grids(c), Device.CPU);
    }

    @Test
    void matchesTorchvisionIncludingIntegerDivisionStrides() {
        for (Golden.Case c : FcosGolden.ops().cases("anchors/")) {
            Anchors a = anchors(c);
            assertEqual(c.get("anchors"), a.boxes(), c.name());
            int[] counts = grids(c).stream().mapToInt(g -> g[0] * g[1]).toArray();
            assertArrayEquals(counts, a.pointsPerLevel());
        }
    }

    @Test
    void oddPyramidLevelsUseFlooredStrides() {
        // 224 x 288 padded: P6 is 4 x 5 (strides 56 and 57), P7 is 2 x 3 (strides 112 and 96)
        Anchors a = AnchorGenerator.fcos().generate(224, 288,
                List.of(new int[] {28, 36}, new int[] {14, 18}, new int[] {7, 9}, new int[] {4, 5}, new int[] {2, 3}),
                Device.CPU);
        int p6 = 28 * 36 + 14 * 18 + 7 * 9;
        // second point of P6 is one stride to the right: centre x 57, anchor 64 wide
        assertEquals(57.0 - 32, a.boxes().getDouble(p6 + 1, 0));
        assertEquals(56.0 - 32, a.boxes().getDouble(p6 + 5, 1));
        assertEquals(64.0, a.sizes().getDouble(p6));
        int p7 = p6 + 20;
        assertEquals(96.0 - 64, a.boxes().getDouble(p7 + 1, 0));
        assertEquals(112.0 - 64, a.boxes().getDouble(p7 + 3, 1));
    }

    @Test
    void originalPlacementAddsHalfTheNominalStride() {
        Anchors a = new AnchorGenerator(AnchorGenerator.FCOS_SIZES, true).generate(64, 64,
                List.of(new int[] {8, 8}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}),
                Device.CPU);
        assertEquals(4.0, a.centers().getDouble(0, 0));
        assertEquals(12.0, a.centers().getDouble(1, 0));
        assertEquals(8.0, a.centers().getDouble(64, 1));
        assertEquals(64.0, a.centers().getDouble(64 + 16 + 4 + 1, 0));
    }

    @Test
    void wrongNumberOfLevelsIsRejected() {
        assertThrows(ShapeMismatchException.class,
                () -> AnchorGenerator.fcos().generate(64, 64, List.of(new int[] {8, 8}), Device.CPU));
    }
}
