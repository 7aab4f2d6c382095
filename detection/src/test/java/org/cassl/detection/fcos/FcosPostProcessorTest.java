package org.cassl.detection.fcos;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.cassl.tensor.testing.TensorAssert.assertEqual;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.cassl.detection.Detections;
import org.cassl.detection.FcosGolden;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

class FcosPostProcessorTest {

    @Test
    void detectionsMatchTorchvision() {
        for (Golden.Case c : FcosGolden.ops().cases("post/")) {
            Anchors anchors = AnchorGeneratorTest.anchors(c);
            List<int[]> sizes = new ArrayList<>();
            for (var s : c.params().get("sizes")) {
                sizes.add(new int[] {s.get(0).asInt(), s.get(1).asInt()});
            }
            FcosPostProcessor post = new FcosPostProcessor(c.doubleParam("score_thresh"), c.doubleParam("nms_thresh"),
                    c.intParam("detections_per_img"), c.intParam("topk_candidates"));
            List<Detections> dets = post.apply(c.get("cls"), c.get("reg"), c.get("ctr"), anchors, sizes);
            for (int i = 0; i < dets.size(); i++) {
                Detections d = dets.get(i);
                assertTrue(d.size() > 0, c + " image " + i + " has detections");
                assertClose(c.get("scores" + i), d.scores(), 1e-6, 0, c + " scores " + i);
                assertEqual(c.get("labels" + i), d.labels(), c + " labels " + i);
                assertClose(c.get("boxes" + i), d.boxes(), 1e-6, 1e-5, c + " boxes " + i);
            }
        }
    }

    @Test
    void nothingAboveTheThresholdGivesEmptyDetections() {
        Golden.Case c = FcosGolden.opsCase("post/default");
        Anchors anchors = AnchorGeneratorTest.anchors(c);
        List<Detections> dets = new FcosPostProcessor(1.0, 0.5, 100, 1000).apply(c.get("cls"), c.get("reg"), c.get("ctr"),
                anchors, List.of(new int[] {120, 160}, new int[] {128, 97}));
        for (Detections d : dets) {
            assertEquals(0, d.size());
            assertArrayEquals(new int[] {0, 4}, d.boxes().shape());
            assertEquals(org.cassl.tensor.DType.I64, d.labels().dtype());
        }
    }
}
