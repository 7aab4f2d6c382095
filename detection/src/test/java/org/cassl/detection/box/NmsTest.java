package org.cassl.detection.box;

import static org.cassl.tensor.testing.TensorAssert.assertEqual;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.cassl.detection.FcosGolden;
import org.cassl.tensor.DType;
import org.cassl.tensor.DTypeMismatchException;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

class NmsTest {

    @Test
    void matchesTorchvisionOnSmallAndLargeInputs() {
        for (Golden.Case c : FcosGolden.ops().cases("nms/")) {
            double thr = c.doubleParam("iou");
            Tensor boxes = c.get("boxes");
            Tensor scores = c.get("scores");
            Tensor labels = c.get("labels");
            assertEqual(c.get("keep"), Nms.nms(boxes, scores, thr), c + " nms");
            assertEqual(c.get("batched"), Nms.batchedNms(boxes, scores, labels, thr), c + " batched_nms");
            // both batched strategies agree whatever the input size
            assertEqual(c.get("batched"), Nms.perClass(boxes, scores, labels, thr), c + " per-class");
            assertEqual(c.get("batched"), Nms.coordinateTrick(boxes, scores, labels, thr), c + " coordinate trick");
        }
    }

    @Test
    void emptyInputGivesEmptyOutput() {
        Tensor none = Tensor.zeros(DType.F32, 0, 4);
        assertEquals(0, Nms.nms(none, Tensor.zeros(0), 0.5).numel());
        assertEquals(DType.I64, Nms.nms(none, Tensor.zeros(0), 0.5).dtype());
        assertEquals(0, Nms.batchedNms(none, Tensor.zeros(0), Tensor.zeros(DType.I64, 0), 0.5).numel());
    }

    @Test
    void identicalBoxesKeepOnlyTheBest() {
        Tensor boxes = Tensor.of(new float[] {0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10}, 3, 4);
        Tensor scores = Tensor.vector(0.2f, 0.9f, 0.5f);
        assertArrayEquals(new long[] {1}, Nms.nms(boxes, scores, 0.5).toLongArray());
        // a threshold of 1 suppresses nothing: IoU must be strictly above it
        assertArrayEquals(new long[] {1, 2, 0}, Nms.nms(boxes, scores, 1.0).toLongArray());
        // different classes never suppress each other
        Tensor labels = Tensor.of(new long[] {0, 1, 1}, 3);
        assertArrayEquals(new long[] {1, 0}, Nms.batchedNms(boxes, scores, labels, 0.5).toLongArray());
    }

    @Test
    void iouExactlyAtTheThresholdIsKept() {
        // IoU of [0,0,10,10] and [5,0,15,10] is 50 / 150 = 1/3
        Tensor boxes = Tensor.of(new float[] {0, 0, 10, 10, 5, 0, 15, 10}, 2, 4);
        Tensor scores = Tensor.vector(0.9f, 0.8f);
        assertArrayEquals(new long[] {0, 1}, Nms.nms(boxes, scores, 0.5).toLongArray());
        assertArrayEquals(new long[] {0}, Nms.nms(boxes, scores, 0.3).toLongArray());
    }

    @Test
    void tiedScoresKeepOneOfEachOverlappingGroup() {
        Tensor boxes = Tensor.of(new float[] {0, 0, 10, 10, 1, 1, 11, 11, 50, 50, 60, 60}, 3, 4);
        Tensor scores = Tensor.vector(0.5f, 0.5f, 0.5f);
        long[] keep = Nms.nms(boxes, scores, 0.5).toLongArray();
        assertEquals(2, keep.length);
        java.util.Arrays.sort(keep);
        assertEquals(2, keep[1]);
    }

    @Test
    void badInputsAreRejected() {
        assertThrows(ShapeMismatchException.class, () -> Nms.nms(Tensor.zeros(3, 4), Tensor.zeros(2), 0.5));
        assertThrows(DTypeMismatchException.class,
                () -> Nms.nms(Tensor.zeros(3, 4), Tensor.zeros(DType.F64, 3), 0.5));
        assertThrows(ShapeMismatchException.class,
                () -> Nms.batchedNms(Tensor.zeros(3, 4), Tensor.zeros(3), Tensor.zeros(DType.I64, 2), 0.5));
    }
}
