package org.cassl.training.api;

import org.cassl.training.eval.DetectionResults;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.cassl.detection.Detections;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Model outputs with a mask head ({@code [D, H, W]} probabilities) become thresholded {@link Mask}s. */
class MaskConversionTest {
    @Test
    void maskProbabilitiesAreThresholdedAtOneHalf() {
        float[] probs = {
            0.9f, 0.2f, 0.5f,
            0.1f, 0.49f, 0.7f,
            0f, 0f, 0f,
            1f, 1f, 0.51f,
        };
        Detections d = new Detections(Tensor.of(new float[] {0, 0, 3, 2, 1, 0, 3, 2}, 2, 4),
                Tensor.of(new float[] {0.8f, 0.3f}, 2), Tensor.of(new long[] {3, 5}, 2), Tensor.of(probs, 2, 2, 3));
        List<Detection> out = DetectionResults.toHost(d);
        assertEquals(2, out.size());
        Mask m0 = out.get(0).mask();
        assertEquals(3, m0.width());
        assertEquals(2, m0.height());
        assertTrue(m0.get(0, 0) && m0.get(2, 0) && m0.get(2, 1));
        assertFalse(m0.get(1, 0) || m0.get(0, 1) || m0.get(1, 1));
        assertEquals(3, m0.area());
        assertEquals(3, out.get(1).mask().area());
        assertEquals(new Box(1, 0, 3, 2), out.get(1).box());
        assertEquals(5, out.get(1).label());
        assertEquals(0.3f, out.get(1).score());
        // COCO RLE of the first mask, column-major runs: (0,0)=1 (0,1)=0 | (1,0)=0 (1,1)=0 | (2,0)=1 (2,1)=1
        // -> counts [0, 1, 3, 2]
        assertEquals(org.cassl.detection.coco.mask.Rle.of(2, 3, new int[] {0, 1, 3, 2}).toCompressedString(),
                m0.toCocoRle());
        Detections none = new Detections(Tensor.of(new float[] {0, 0, 1, 1}, 1, 4), Tensor.of(new float[] {0.5f}, 1),
                Tensor.of(new long[] {1}, 1));
        assertNull(DetectionResults.toHost(none).get(0).mask());
    }
}
