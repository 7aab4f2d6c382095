package org.cassl.detection.box;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.cassl.tensor.testing.TensorAssert.assertEqual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.cassl.detection.FcosGolden;
import org.cassl.tensor.DType;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

class BoxesTest {

    @Test
    void floatIouAndGiouMatchTorchvision() {
        Golden.Case c = FcosGolden.opsCase("iou/float");
        Tensor a = c.get("boxes1");
        Tensor b = c.get("boxes2");
        assertClose(c.get("area1"), Boxes.area(a), 1e-6, 0, "area");
        assertClose(c.get("iou"), Boxes.iou(a, b), 1e-6, 1e-7, "iou");
        assertClose(c.get("giou"), Boxes.generalizedIou(a, b), 1e-6, 1e-7, "giou");
    }

    @Test
    void integerBoxesKeepIntegerAreasAndGiveFloatIou() {
        Golden.Case c = FcosGolden.opsCase("iou/int");
        Tensor a = c.get("boxes1");
        Tensor b = c.get("boxes2");
        Tensor area = Boxes.area(a);
        assertEquals(DType.I64, area.dtype());
        assertEqual(c.get("area1"), area, "area");
        Tensor iou = Boxes.iou(a, b);
        assertEquals(DType.F32, iou.dtype());
        assertClose(c.get("iou"), iou, 1e-6, 0, "iou");
        assertClose(c.get("giou"), Boxes.generalizedIou(a, b), 1e-6, 0, "giou");
    }

    @Test
    void identicalBoxesHaveIouOneAndTouchingBoxesZero() {
        Tensor a = Tensor.of(new float[] {0, 0, 10, 10}, 1, 4);
        Tensor b = Tensor.of(new float[] {0, 0, 10, 10, 10, 0, 20, 10}, 2, 4);
        Tensor iou = Boxes.iou(a, b);
        assertEquals(1.0, iou.getDouble(0, 0));
        assertEquals(0.0, iou.getDouble(0, 1));
        // touching: the enclosing box is twice the union, so GIoU = 0 - (200 - 200)/200 = 0
        assertEquals(0.0, Boxes.generalizedIou(a, b).getDouble(0, 1));
    }

    @Test
    void clipMatchesTorchvision() {
        Golden.Case c = FcosGolden.opsCase("clip");
        assertEqual(c.get("clipped"), Boxes.clipToImage(c.get("boxes"), c.intParam("height"), c.intParam("width")),
                "clip");
    }

    @Test
    void clipKeepsLeadingDims() {
        Tensor boxes = Tensor.of(new float[] {-1, -2, 5, 50, 3, 4, 100, 6}, 1, 2, 4);
        Tensor clipped = Boxes.clipToImage(boxes, 30, 40);
        assertEqual(Tensor.of(new float[] {0, 0, 5, 30, 3, 4, 40, 6}, 1, 2, 4), clipped, "clip [1,2,4]");
    }

    @Test
    void removeSmallKeepsBoxesWithBothSidesAtLeastMin() {
        Tensor boxes = Tensor.of(new float[] {0, 0, 1, 5, 0, 0, 2, 2, 0, 0, 5, 1.5f}, 3, 4);
        assertEqual(FcosGolden.opsCase("clip").get("small"), Boxes.removeSmall(boxes, 2.0), "remove_small_boxes");
    }

    @Test
    void badShapesAreRejectedWithTheShapeInTheMessage() {
        Tensor bad = Tensor.zeros(3, 5);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> Boxes.iou(bad, bad));
        assertEquals(true, e.getMessage().contains("[3, 5]"), e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> Boxes.area(Tensor.zeros(4)));
    }

    @Test
    void formatConversionsRoundTrip() {
        Tensor xyxy = Tensor.of(new float[] {1, 2, 4, 8, 0, 0, 3, 3}, 2, 4);
        Tensor xywh = Boxes.xyxyToXywh(xyxy);
        assertEqual(Tensor.of(new float[] {1, 2, 3, 6, 0, 0, 3, 3}, 2, 4), xywh, "xywh");
        assertEqual(xyxy, Boxes.xywhToXyxy(xywh), "round trip");
    }
}
