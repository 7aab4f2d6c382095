package org.cassl.detection.fcos;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.detection.FcosConfig.Assignment;
import org.cassl.detection.FcosGolden;
import org.cassl.detection.Target;
import org.cassl.tensor.IndexOutOfRangeException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

class FcosLossTest {

    private record Run(Map<String, Variable> losses, Variable cls, Variable reg, Variable ctr) {
    }

    private static Run run(Golden.Case c) {
        Anchors anchors = AnchorGeneratorTest.anchors(c);
        int n = c.intParam("images");
        List<Target> targets = new ArrayList<>();
        List<Tensor> matched = new ArrayList<>();
        FcosTargetAssigner assigner = new FcosTargetAssigner(Assignment.TORCHVISION, 1.5);
        for (int i = 0; i < n; i++) {
            Target t = new Target(c.get("boxes" + i), c.get("labels" + i));
            targets.add(t);
            matched.add(assigner.assignReference(anchors, t.boxes()));
        }
        Variable cls = Variable.parameter(c.get("cls"));
        Variable reg = Variable.parameter(c.get("reg"));
        Variable ctr = Variable.parameter(c.get("ctr"));
        Map<String, Variable> losses = new FcosLoss().compute(new HeadOutputs(cls, reg, ctr), targets, anchors, matched);
        return new Run(losses, cls, reg, ctr);
    }

    @Test
    void lossesAndGradientsMatchTorchvision() {
        for (Golden.Case c : FcosGolden.ops().cases("loss/")) {
            Run r = run(c);
            assertEquals(List.of("classification", "bbox_regression", "bbox_ctrness"), List.copyOf(r.losses().keySet()));
            for (String k : r.losses().keySet()) {
                assertClose(c.get(k), r.losses().get(k).data(), 1e-5, 1e-7, c + " " + k);
            }
            Variable total = r.losses().get("classification").add(r.losses().get("bbox_regression"))
                    .add(r.losses().get("bbox_ctrness"));
            total.backward();
            assertClose(c.get("grad_cls"), r.cls().grad(), 1e-4, 1e-7, c + " grad cls");
            assertClose(c.get("grad_reg"), r.reg().grad(), 1e-4, 1e-7, c + " grad reg");
            assertClose(c.get("grad_ctr"), r.ctr().grad(), 1e-4, 1e-7, c + " grad ctr");
        }
    }

    @Test
    void labelsOutsideTheHeadAreRejected() {
        Golden.Case c = FcosGolden.opsCase("loss/two_images");
        Anchors anchors = AnchorGeneratorTest.anchors(c);
        Target bad = new Target(Tensor.of(new float[] {10, 10, 50, 50}, 1, 4), Tensor.of(new long[] {5}, 1));
        Tensor m = new FcosTargetAssigner(Assignment.TORCHVISION, 1.5).assignReference(anchors, bad.boxes());
        HeadOutputs outs = new HeadOutputs(Variable.parameter(c.get("cls").narrow(0, 0, 1)),
                Variable.parameter(c.get("reg").narrow(0, 0, 1)), Variable.parameter(c.get("ctr").narrow(0, 0, 1)));
        assertThrows(IndexOutOfRangeException.class, () -> new FcosLoss().compute(outs, List.of(bad), anchors, List.of(m)));
    }
}
