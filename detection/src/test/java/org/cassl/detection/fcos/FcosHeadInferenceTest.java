package org.cassl.detection.fcos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.cassl.autograd.GradMode;
import org.cassl.autograd.Variable;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Without a tape the head convolves all levels at once (small levels side by side in one
 * product); with one, level by level as torchvision. Both must give the same outputs, bit for bit.
 */
class FcosHeadInferenceTest {
    @Test
    void allLevelsAtOnceEqualsLevelByLevel() {
        Generator g = new Generator(5);
        FcosHead head = new FcosHead(64, 7, 4, g);
        // P3-P7 of a 2-image batch at 256 x 320 px: 32x40 down to 2x3
        int[][] sizes = {{32, 40}, {16, 20}, {8, 10}, {4, 5}, {2, 3}};
        List<Variable> features = new ArrayList<>();
        for (int[] s : sizes) {
            features.add(Variable.of(Tensor.normal(g, 0, 1, DType.F32, 2, 64, s[0], s[1])));
        }
        HeadOutputs taped = head.forward(features);
        HeadOutputs untaped;
        try (GradMode.Scope off = GradMode.off()) {
            untaped = head.forward(features);
        }
        assertArrayEquals(taped.clsLogits().data().toDoubleArray(), untaped.clsLogits().data().toDoubleArray(), 0.0);
        assertArrayEquals(taped.bboxRegression().data().toDoubleArray(), untaped.bboxRegression().data().toDoubleArray(),
                0.0);
        assertArrayEquals(taped.bboxCtrness().data().toDoubleArray(), untaped.bboxCtrness().data().toDoubleArray(), 0.0);
        assertEquals(sizes.length, untaped.boxTower().size());
        for (int l = 0; l < sizes.length; l++) {
            assertArrayEquals(taped.boxTower().get(l).data().toDoubleArray(),
                    untaped.boxTower().get(l).data().toDoubleArray(), 0.0, "box tower, level " + l);
        }
    }
}
