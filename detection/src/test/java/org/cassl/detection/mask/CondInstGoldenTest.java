package org.cassl.detection.mask;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cassl.autograd.GradCheck;
import org.cassl.autograd.Variable;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

/**
 * CondInst pieces against the PyTorch reference of {@code gen_masks.py} (written there from
 * AdelaiDet's semantics: grouped-conv dynamic head, replicate pads, dice), float64 at 1e-10, and
 * gradcheck in float64.
 */
class CondInstGoldenTest {
    private static final double TOL = 1e-10;

    @Test
    void alignedBilinearMatchesReferenceForwardAndBackward() {
        for (int f : new int[] {2, 4}) {
            Golden.Case c = MaskGolden.get("ab/f" + f);
            Variable x = Variable.parameter(c.get("x"));
            Variable y = AlignedBilinear.upsample(x, f);
            assertClose(c.get("out"), y.data(), TOL, TOL, "aligned_bilinear f=" + f);
            y.mul(Variable.of(c.get("grad_out"))).sum().backward();
            assertClose(c.get("grad_x"), x.grad(), TOL, TOL, "aligned_bilinear grad f=" + f);
        }
    }

    @Test
    void alignedBilinearFactorOneIsIdentity() {
        Variable x = Variable.of(Tensor.randn(new Generator(1), 1, 2, 3, 4));
        assertEquals(x, AlignedBilinear.upsample(x, 1));
    }

    @Test
    void dynamicHeadAndDiceMatchReference() {
        Golden.Case c = MaskGolden.get("dyn/case");
        Variable feats = Variable.parameter(c.get("mask_feats"));
        Variable params = Variable.parameter(c.get("dyn_params"));
        Variable logits = new DynamicMaskHead().forward(feats, params, c.get("im_inds"), c.get("locations"),
                c.get("levels"));
        assertClose(c.get("logits"), logits.data(), TOL, TOL, "dynamic head logits");
        Variable per = DiceLoss.perInstance(logits.sigmoid(), c.get("gt"));
        assertClose(c.get("dice"), per.data(), TOL, TOL, "dice per instance");
        Variable loss = DiceLoss.mean(logits.sigmoid(), c.get("gt"));
        assertClose(c.get("loss"), loss.data(), TOL, TOL, "dice loss");
        loss.backward();
        assertClose(c.get("grad_params"), params.grad(), TOL, TOL, "grad params");
        assertClose(c.get("grad_mask_feats"), feats.grad(), TOL, TOL, "grad mask feats");
    }

    @Test
    void gtBitmasksSampleThePaddedMaskAtStride4() {
        Golden.Case c = MaskGolden.get("bitmask");
        Tensor out = CondInstHead.gtBitmasks(c.get("masks"), c.intParam("pad_h") / 4, c.intParam("pad_w") / 4);
        assertClose(c.get("out"), out, 0, 0, "bitmasks");
    }

    @Test
    void inferenceResizeMatchesReference() {
        Golden.Case c = MaskGolden.get("condinst_post");
        Tensor out = CondInstHead.toImage(Variable.of(c.get("probs")), c.intsParam("resized"), c.intsParam("original"));
        assertClose(c.get("out"), out, 1e-5, 1e-6, "condinst masks at original size");
    }

    @Test
    void gradcheckAlignedBilinear() {
        Generator gen = new Generator(3);
        for (int f : new int[] {2, 3, 4}) {
            GradCheck.check(v -> AlignedBilinear.upsample(v[0], f), Tensor.randn(gen, 1, 2, 3, 4).to(DType.F64))
                    .assertPassed();
        }
    }

    @Test
    void gradcheckDynamicHeadWithDice() {
        Generator gen = new Generator(5);
        Tensor feats = Tensor.randn(gen, 2, 8, 3, 4).to(DType.F64);
        Tensor params = Tensor.randn(gen, 3, 169).mul(0.5).to(DType.F64);
        Tensor imInds = Tensor.of(new long[] {1, 0, 1}, 3);
        Tensor locs = Tensor.of(new double[] {4, 12, 20, 0, 9, 17}, 3, 2);
        Tensor levels = Tensor.of(new long[] {0, 1, 3}, 3);
        Tensor gt = Tensor.rand(gen, 3, 1, 6, 8).gt(0.5).to(DType.F64);
        DynamicMaskHead head = new DynamicMaskHead();
        GradCheck.check(v -> DiceLoss.mean(head.forward(v[0], v[1], imInds, locs, levels).sigmoid(), gt), feats, params)
                .assertPassed();
    }
}
