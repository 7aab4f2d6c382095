package org.cassl.autograd;

import static org.cassl.autograd.Checks.case_;
import static org.cassl.autograd.Checks.randn;

import java.util.List;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.InterpolationMode;
import org.cassl.tensor.Pool2dParams;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** gradcheck of the nn ops in {@link Functional}. */
class FunctionalGradCheckTest {
    private static final InterpolationMode NEAREST = InterpolationMode.NEAREST;
    private static final InterpolationMode BILINEAR = InterpolationMode.BILINEAR;

    @TestFactory
    List<DynamicTest> convolution() {
        Conv2dParams grouped = new Conv2dParams(2, 2, 1, 1, 1, 1, 2);
        Conv2dParams dilated = new Conv2dParams(1, 2, 2, 0, 2, 1, 1);
        return List.of(
            case_("conv2d_groups_stride_pad", v -> Functional.conv2d(v[0], v[1], v[2], grouped),
                    randn(1, 2, 4, 5, 5), randn(2, 6, 2, 3, 3), randn(3, 6)),
            case_("conv2d_dilation_no_bias", v -> Functional.conv2d(v[0], v[1], null, dilated),
                    randn(4, 1, 2, 6, 5), randn(5, 3, 2, 2, 3)),
            case_("conv_transpose2d_outpad", v -> Functional.convTranspose2d(v[0], v[1], v[2],
                    new Conv2dParams(2, 2, 1, 1, 1, 1, 1), 1, 0), randn(6, 1, 2, 3, 3), randn(7, 2, 3, 3, 3), randn(8, 3)),
            case_("conv_transpose2d_groups_dilation", v -> Functional.convTranspose2d(v[0], v[1], null,
                    new Conv2dParams(1, 2, 0, 1, 2, 1, 2), 0, 1), randn(9, 1, 4, 3, 2), randn(10, 4, 1, 2, 2)));
    }

    @TestFactory
    List<DynamicTest> poolingAndInterpolation() {
        Tensor x = randn(20, 1, 2, 5, 5);
        Pool2dParams p = Pool2dParams.of(3, 2, 1);
        return List.of(
            case_("max_pool2d", v -> Functional.maxPool2d(v[0], p), x),
            case_("max_pool2d_ceil", v -> Functional.maxPool2d(v[0], Pool2dParams.of(2, 2, 0).withCeilMode(true)), x),
            case_("avg_pool2d", v -> Functional.avgPool2d(v[0], p), x),
            case_("avg_pool2d_exclude_pad_ceil", v -> Functional.avgPool2d(v[0],
                    p.withCountIncludePad(false).withCeilMode(true)), randn(21, 1, 2, 6, 6)),
            case_("nearest_size", v -> Functional.interpolate(v[0], new int[] {7, 4}, null, NEAREST, false, false),
                    randn(22, 1, 2, 3, 5)),
            case_("nearest_scale", v -> Functional.interpolate(v[0], null, new double[] {1.5, 2}, NEAREST, false, false),
                    randn(23, 1, 2, 3, 3)),
            case_("bilinear_align", v -> Functional.interpolate(v[0], new int[] {5, 7}, null, BILINEAR, true, false),
                    randn(24, 1, 2, 3, 4)),
            case_("bilinear_half_pixel_scale", v -> Functional.interpolate(v[0], null, new double[] {2.5, 1.5}, BILINEAR,
                    false, false), randn(25, 1, 2, 3, 3)),
            case_("bilinear_recompute", v -> Functional.interpolate(v[0], null, new double[] {2.5, 1.5}, BILINEAR,
                    false, true), randn(26, 1, 2, 3, 3)),
            case_("bilinear_downsample", v -> Functional.interpolate(v[0], new int[] {3, 2}, null, BILINEAR, false, false),
                    randn(27, 1, 1, 7, 5)));
    }

    @TestFactory
    List<DynamicTest> normalisation() {
        return List.of(
            case_("group_norm_affine", v -> Functional.groupNorm(v[0], 2, v[1], v[2], 1e-5),
                    randn(30, 2, 4, 3, 2), randn(31, 4), randn(32, 4)),
            case_("group_norm_plain", v -> Functional.groupNorm(v[0], 3, null, null, 1e-5), randn(33, 2, 6, 2, 2)),
            case_("batch_norm_train", v -> Functional.batchNorm(v[0], null, null, v[1], v[2], true, 0.1, 1e-5),
                    randn(34, 3, 2, 2, 2), randn(35, 2), randn(36, 2)),
            case_("batch_norm_train_2d_plain", v -> Functional.batchNorm(v[0], null, null, null, null, true, 0.1, 1e-5),
                    randn(37, 4, 3)),
            case_("batch_norm_eval", v -> Functional.batchNorm(v[0], Checks.randn(38, 2),
                    Checks.uniform(39, 0.5, 2, 2), v[1], v[2], false, 0.1, 1e-5),
                    randn(40, 2, 2, 3, 2), randn(41, 2), randn(42, 2)),
            case_("batch_norm_act_residual_relu", v -> Functional.batchNormAct(v[0], null, null, v[1], v[2], true, 0.1,
                    1e-5, v[3], true), randn(43, 3, 2, 2, 2), randn(44, 2), randn(45, 2), randn(46, 3, 2, 2, 2)),
            case_("batch_norm_act_eval_relu", v -> Functional.batchNormAct(v[0], Checks.randn(47, 2),
                    Checks.uniform(48, 0.5, 2, 2), v[1], v[2], false, 0.1, 1e-5, null, true),
                    randn(49, 2, 2, 3, 2), randn(52, 2), randn(53, 2)),
            case_("group_norm_act_relu", v -> Functional.groupNormAct(v[0], 2, v[1], v[2], 1e-5, null, true),
                    randn(54, 2, 4, 3, 2), randn(55, 4), randn(56, 4)),
            case_("group_norm_act_residual", v -> Functional.groupNormAct(v[0], 3, null, null, 1e-5, v[1], false),
                    randn(57, 2, 6, 2, 2), randn(58, 2, 6, 2, 2)));
    }

    @TestFactory
    List<DynamicTest> losses() {
        Tensor t = Checks.uniform(50, 0, 1, 3, 4);
        return List.of(
            case_("bce_logits_mean", v -> Functional.binaryCrossEntropyWithLogits(v[0], v[1], null, null, LossReduction.MEAN),
                    randn(45, 3, 4).mul(3), t),
            case_("bce_logits_none_weighted", v -> Functional.binaryCrossEntropyWithLogits(v[0], v[1],
                    Checks.uniform(46, 0, 2, 4), null, LossReduction.NONE), randn(47, 3, 4), t),
            case_("bce_logits_sum_pos_weight", v -> Functional.binaryCrossEntropyWithLogits(v[0], v[1],
                    Checks.uniform(48, 0, 2, 3, 1), Checks.uniform(49, 0.5, 3, 4), LossReduction.SUM), randn(51, 3, 4), t));
    }

    /**
     * The nn rules receive strided upstream gradients in real graphs (a sum gives a stride-0
     * gradient, a transpose a permuted one); their kernels must read them correctly.
     */
    @TestFactory
    List<DynamicTest> stridedUpstreamGradients() {
        Conv2dParams p = new Conv2dParams(1, 1, 1, 1, 1, 1, 1);
        return List.of(
            case_("conv2d_sum", v -> Functional.conv2d(v[0], v[1], v[2], p).sum(), randn(60, 1, 2, 4, 4),
                    randn(61, 3, 2, 3, 3), randn(62, 3)),
            case_("conv2d_transposed", v -> Functional.conv2d(v[0], v[1], null, p).transpose(1, 3).cumsum(1),
                    randn(63, 1, 2, 4, 3), randn(64, 2, 2, 3, 3)),
            case_("conv_transpose2d_sum", v -> Functional.convTranspose2d(v[0], v[1], null,
                    new Conv2dParams(2, 2, 0, 0, 1, 1, 1), 0, 0).sum(), randn(65, 1, 2, 2, 2), randn(66, 2, 2, 2, 2)),
            case_("max_pool2d_transposed", v -> Functional.maxPool2d(v[0], Pool2dParams.of(2, 1, 0)).transpose(2, 3)
                    .cumsum(2), randn(67, 1, 2, 4, 3)),
            case_("avg_pool2d_sum", v -> Functional.avgPool2d(v[0], Pool2dParams.of(2, 1, 0)).sum(), randn(68, 1, 2, 4, 3)),
            case_("interpolate_transposed", v -> Functional.interpolate(v[0], 5, 4, BILINEAR, false).transpose(2, 3)
                    .cumsum(3), randn(69, 1, 2, 3, 2)),
            case_("group_norm_sum_weighted", v -> Functional.groupNorm(v[0], 2, v[1], v[2], 1e-5).sum(1, false)
                    .mul(v[0].select(1, 0)), randn(70, 2, 4, 2, 2), randn(71, 4), randn(72, 4)),
            case_("batch_norm_transposed", v -> Functional.batchNorm(v[0], null, null, v[1], v[2], true, 0.1, 1e-5)
                    .transpose(0, 1).cumsum(1), randn(73, 3, 2, 2), randn(74, 2), randn(75, 2)));
    }
}
