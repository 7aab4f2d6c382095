package org.cassl.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cassl.detection.Target;
import org.cassl.tensor.DType;
import org.junit.jupiter.api.Test;

/** The step benchmark's synthetic ground truth. */
class StepTargetsTest {

    @Test
    void boxTargetsHaveNoMasksAndMaskTargetsTheSameBoxes() {
        Target b = StepTargets.boxes(1, StepTargets.BOXES, 96, 5);
        Target m = StepTargets.withMasks(1, StepTargets.BOXES, 96, 5);
        assertNull(b.masks());
        assertArrayEquals(b.boxes().toFloatArray(), m.boxes().toFloatArray());
        assertArrayEquals(b.labels().toLongArray(), m.labels().toLongArray());
        assertEquals(DType.U8, m.masks().dtype());
        assertArrayEquals(new int[] {StepTargets.BOXES, 96, 96}, m.masks().shape());
    }

    @Test
    void eachMaskIsTheEllipseInscribedInItsBox() {
        int s = 128;
        Target t = StepTargets.withMasks(0, 9, s, 91);
        float[] b = t.boxes().toFloatArray();
        long[] labels = t.labels().toLongArray();
        long[] m = t.masks().to(DType.I64).toLongArray();
        for (int k = 0; k < 9; k++) {
            assertTrue(labels[k] >= 1 && labels[k] < 91);
            int x0 = (int) b[4 * k];
            int y0 = (int) b[4 * k + 1];
            int x1 = (int) b[4 * k + 2];
            int y1 = (int) b[4 * k + 3];
            long area = 0;
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    if (m[(k * s + y) * s + x] != 0) {
                        assertTrue(x >= x0 && x < x1 && y >= y0 && y < y1, "mask " + k + " outside its box at " + x + "," + y);
                        area++;
                    }
                }
            }
            // centre in, box corners out, area close to pi/4 of the box
            assertEquals(1, m[(k * s + (y0 + y1) / 2) * s + (x0 + x1) / 2]);
            assertEquals(0, m[(k * s + y0) * s + x0]);
            assertEquals(0, m[(k * s + y1 - 1) * s + x1 - 1]);
            double boxArea = (double) (x1 - x0) * (y1 - y0);
            assertEquals(Math.PI / 4, area / boxArea, 0.08, "mask " + k);
        }
    }
}
