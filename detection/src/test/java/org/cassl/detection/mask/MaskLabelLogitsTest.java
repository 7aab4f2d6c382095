package org.cassl.detection.mask;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.detection.Target;
import org.cassl.nn.Parameter;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The training loss computes only each RoI's ground-truth class channel
 * ({@link MaskRcnnPredictor#forwardLabels}, {@link MaskRcnnLoss#chosenLoss}); it must equal the
 * full logits gathered at the labels ({@link MaskRcnnLoss#loss}, torchvision's
 * {@code maskrcnn_loss}) up to rounding, with the same gradients.
 */
class MaskLabelLogitsTest {

    @Test
    void labelLogitsAreTheGatheredFullLogits() {
        Generator g = new Generator(11);
        MaskRcnnPredictor p = new MaskRcnnPredictor(6, 5, 7, g);
        p.to(DType.F64);
        Tensor x = Tensor.normal(g, 0, 1, DType.F64, 4, 6, 3, 3);
        Tensor labels = Tensor.of(new long[] {3, 0, 6, 3}, 4);
        Variable full = p.forward(Variable.of(x));
        Variable chosen = p.forwardLabels(Variable.of(x), labels);
        for (int r = 0; r < 4; r++) {
            assertClose(full.data().select(0, r).select(0, (int) labels.toLongArray()[r]), chosen.data().select(0, r),
                    1e-12, 1e-12, "roi " + r);
        }
    }

    @Test
    void chosenLossEqualsTheFullLossWithTheSameGradients() {
        Generator g = new Generator(12);
        MaskRcnnPredictor p = new MaskRcnnPredictor(6, 5, 7, g);
        p.to(DType.F64);
        Tensor x = Tensor.normal(g, 0, 1, DType.F64, 5, 6, 4, 4);
        Tensor labels = Tensor.of(new long[] {1, 1, 6, 2, 0}, 5);
        Tensor targets = Tensor.rand(g, DType.F64, 5, 8, 8);

        Variable xa = Variable.parameter(x);
        Variable full = MaskRcnnLoss.loss(p.forward(xa), labels, targets);
        full.backward();
        Map<String, Tensor> fullGrads = grads(p);
        p.zeroGrad();
        Variable xb = Variable.parameter(x);
        Variable chosen = MaskRcnnLoss.chosenLoss(p.forwardLabels(xb, labels), targets);
        chosen.backward();

        assertClose(full.data(), chosen.data(), 1e-12, 1e-14, "loss");
        assertClose(xa.grad(), xb.grad(), 1e-10, 1e-14, "input gradient");
        Map<String, Tensor> chosenGrads = grads(p);
        for (String k : fullGrads.keySet()) {
            assertClose(fullGrads.get(k), chosenGrads.get(k), 1e-10, 1e-14, k);
        }
    }

    private static Map<String, Tensor> grads(MaskRcnnPredictor p) {
        Map<String, Tensor> m = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : p.namedParameters().entrySet()) {
            Tensor gr = e.getValue().grad();
            m.put(e.getKey(), gr == null ? Tensor.zeros(DType.F64, e.getValue().data().shape()) : gr.copy());
        }
        return m;
    }

    @Test
    void roiHeadsLossIsTheFullMaskRcnnLossOfItsRois() {
        Generator g = new Generator(13);
        RoiHeads heads = new RoiHeads(8, 8, 2, 8, 4, g);
        List<Variable> features = new ArrayList<>();
        for (int l = 0; l < 3; l++) {
            features.add(Variable.parameter(Tensor.normal(g, 0, 1, DType.F32, 1, 8, 16 >> l, 16 >> l)));
        }
        float[] b = {2, 3, 40, 50, 10, 10, 120, 100, 60, 5, 90, 30};
        Tensor boxes = Tensor.of(b, 3, 4);
        byte[] m = new byte[3 * 128 * 128];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) ((i / 128 + i % 128 + i / (128 * 128)) % 3 == 0 ? 1 : 0);
        }
        Target t = new Target(boxes, Tensor.of(new long[] {1, 3, 2}, 3), Tensor.of(m, DType.U8, 3, 128, 128));
        List<int[]> sizes = List.of(new int[] {128, 128});
        Variable loss = heads.loss(features, List.of(t), null, sizes);

        Tensor proj = MaskRcnnLoss.projectMasksOnBoxes(t.masks(), boxes, Tensor.of(new long[] {0, 1, 2}, 3), 28);
        Variable full = MaskRcnnLoss.loss(heads.logits(features, List.of(boxes), sizes), t.labels(), proj);
        assertClose(full.data(), loss.data(), 1e-5, 1e-6, "RoiHeads.loss");
    }

    @Test
    void chosenLossChecksShapes() {
        assertThrows(ShapeMismatchException.class,
                () -> MaskRcnnLoss.chosenLoss(Variable.of(Tensor.zeros(2, 4, 4)), Tensor.zeros(2, 4, 5)));
    }
}
